"""Local stand-in for ansible-test's get-pip bootstrap (its download host is unreachable here):
bootstrap pip with ensurepip, give the venv this machine's pip settings, then pip-install
the requested packages from the package index."""

import ensurepip
import os
import subprocess
import sys

CERT = "/etc/ssl/certs/ca-certificates.crt"
with open(os.path.join(sys.prefix, "pip.conf"), "w") as handle:
    handle.write("[global]\n")
    if os.path.exists(CERT):
        handle.write(f"cert = {CERT}\n")
    if os.path.isdir("/opt/wheels"):
        handle.write("find-links = /opt/wheels\n")
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
ensurepip.bootstrap(upgrade=True)
# ensurepip points PIP_CONFIG_FILE at /dev/null for the rest of the process: undo that.
os.environ.pop("PIP_CONFIG_FILE", None)
subprocess.check_call([sys.executable, "-m", "pip", "install", *args])

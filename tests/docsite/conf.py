# Sphinx configuration of the docs site that tests/docsite/build makes in
# .build/docsite: the guides of docs/ (Markdown, read with MyST) and the
# plugin and role references that antsibull-docs renders from the
# collection's own documentation.
# SPDX-License-Identifier: GPL-3.0-or-later

project = "mailops.postfix"
copyright = "mailops.postfix contributors"
title = html_short_title = "mailops.postfix"

extensions = ["myst_parser", "sphinx_antsibull_ext"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# The source directory is a copy of the repository, so that the guides' links
# to its files (the Makefile, the Molecule scenarios, ...) resolve; only these
# are pages.
include_patterns = ["index.rst", "ansible-labels.rst", "README.md", "docs/**"]
exclude_patterns = ["docs/docsite/**"]

# Markdown links to headings ("roles/postfix.md#tested") are checked too.
myst_heading_anchors = 4
# Every reference must resolve, and the build fails on any warning (-W).
nitpicky = True

pygments_style = "ansible"
highlight_language = "YAML+Jinja"
html_theme = "sphinx_ansible_theme"
html_theme_options = {"collapse_navigation": False, "display_version": False}
html_show_sphinx = False
html_use_modindex = False
html_use_index = False
html_copy_source = False
default_role = "any"

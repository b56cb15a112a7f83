"""The Flows view (issue 5): one canvas per trigger over the Qt-free `services.flow_design` model."""

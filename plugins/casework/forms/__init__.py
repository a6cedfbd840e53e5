"""Case work's forms, one module per part (each a kit Form)."""

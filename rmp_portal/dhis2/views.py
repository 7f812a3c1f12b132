"""HTTP views of this app."""

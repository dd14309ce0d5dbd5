"""View models built from the database for the templates of every surface."""

"""The only SQL: the database, migrations, and one store per aggregate."""

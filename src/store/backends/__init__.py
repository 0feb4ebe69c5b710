"""How each backend reaches its database: the SQLite file, the PostgreSQL pool, the Supabase client."""

"""Supabase through the official client (PostgREST)."""

from __future__ import annotations

from src.store.data.supabase import SupabaseData
from src.store.events.supabase import SupabaseEvents
from src.store.online.supabase import SupabaseOnline
from src.store.registry.supabase import SupabaseRegistry


class SupabaseStore(SupabaseData, SupabaseEvents, SupabaseRegistry, SupabaseOnline):
    """Its jobs on one Supabase project's REST API (`backends.supabase`)."""

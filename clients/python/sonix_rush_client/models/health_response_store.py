from enum import StrEnum

class HealthResponseStore(StrEnum):
    POSTGRES = "postgres"
    SQLITE = "sqlite"
    SUPABASE = "supabase"

    def __str__(self) -> str:
        return str(self.value)


""" A client library for accessing SONIX RUSH AI """
from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)

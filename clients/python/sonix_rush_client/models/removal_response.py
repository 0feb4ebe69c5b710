from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Literal, cast






T = TypeVar("T", bound="RemovalResponse")



@_attrs_define
class RemovalResponse:
    """ 
        Attributes:
            removed (bool): false when there was nothing to remove (the call is idempotent)
            event_id (int): the event recording the removal, 0 when nothing was removed
            status (Literal['success'] | Unset):  Default: 'success'.
     """

    removed: bool
    event_id: int
    status: Literal['success'] | Unset = 'success'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        removed = self.removed

        event_id = self.event_id

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "removed": removed,
            "event_id": event_id,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        removed = d.pop("removed")

        event_id = d.pop("event_id")

        status = cast(Literal['success'] | Unset , d.pop("status", UNSET))
        if status != 'success'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'success', got '{status}'")

        removal_response = cls(
            removed=removed,
            event_id=event_id,
            status=status,
        )


        removal_response.additional_properties = d
        return removal_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

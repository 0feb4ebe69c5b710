from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CFEngineInfo")



@_attrs_define
class CFEngineInfo:
    """ 
        Attributes:
            version (str):
            users (int):
            shoes (int):
            last_event_id (int | None):
            ndcg_at_10 (float | None):
     """

    version: str
    users: int
    shoes: int
    last_event_id: int | None
    ndcg_at_10: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        version = self.version

        users = self.users

        shoes = self.shoes

        last_event_id: int | None
        last_event_id = self.last_event_id

        ndcg_at_10: float | None
        ndcg_at_10 = self.ndcg_at_10


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "version": version,
            "users": users,
            "shoes": shoes,
            "last_event_id": last_event_id,
            "ndcg_at_10": ndcg_at_10,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        users = d.pop("users")

        shoes = d.pop("shoes")

        def _parse_last_event_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_event_id = _parse_last_event_id(d.pop("last_event_id"))


        def _parse_ndcg_at_10(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        ndcg_at_10 = _parse_ndcg_at_10(d.pop("ndcg_at_10"))


        cf_engine_info = cls(
            version=version,
            users=users,
            shoes=shoes,
            last_event_id=last_event_id,
            ndcg_at_10=ndcg_at_10,
        )


        cf_engine_info.additional_properties = d
        return cf_engine_info

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

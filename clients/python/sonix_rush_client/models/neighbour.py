from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="Neighbour")



@_attrs_define
class Neighbour:
    """ 
        Attributes:
            user_id (int):
            similarity (float): cosine of the two runners' sets of liked shoes
            shared (int): liked shoes the two runners have in common
     """

    user_id: int
    similarity: float
    shared: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        similarity = self.similarity

        shared = self.shared


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "similarity": similarity,
            "shared": shared,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        similarity = d.pop("similarity")

        shared = d.pop("shared")

        neighbour = cls(
            user_id=user_id,
            similarity=similarity,
            shared=shared,
        )


        neighbour.additional_properties = d
        return neighbour

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

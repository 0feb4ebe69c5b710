from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CFPublication")



@_attrs_define
class CFPublication:
    """ 
        Attributes:
            consecutive_refusals (int): rebuilds the quality gate refused in a row (counted up to 100)
            stalled (bool): GATE_STALL_AFTER or more refusals in a row: the served version is not moving
            serving_age_s (float | None): seconds since the serving CF version was published
     """

    consecutive_refusals: int
    stalled: bool
    serving_age_s: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        consecutive_refusals = self.consecutive_refusals

        stalled = self.stalled

        serving_age_s: float | None
        serving_age_s = self.serving_age_s


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "consecutive_refusals": consecutive_refusals,
            "stalled": stalled,
            "serving_age_s": serving_age_s,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consecutive_refusals = d.pop("consecutive_refusals")

        stalled = d.pop("stalled")

        def _parse_serving_age_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        serving_age_s = _parse_serving_age_s(d.pop("serving_age_s"))


        cf_publication = cls(
            consecutive_refusals=consecutive_refusals,
            stalled=stalled,
            serving_age_s=serving_age_s,
        )


        cf_publication.additional_properties = d
        return cf_publication

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TrafficRow")



@_attrs_define
class TrafficRow:
    """ 
        Attributes:
            route (str):
            method (str):
            requests (int):
            errors_4xx (int):
            errors_5xx (int):
            p50_ms (float | None):
            p90_ms (float | None):
            p99_ms (float | None):
            expected_404 (int | Unset): 404s that are ordinary answers (a new runner's feed, no saved questionnaire)
                Default: 0.
     """

    route: str
    method: str
    requests: int
    errors_4xx: int
    errors_5xx: int
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    expected_404: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        route = self.route

        method = self.method

        requests = self.requests

        errors_4xx = self.errors_4xx

        errors_5xx = self.errors_5xx

        p50_ms: float | None
        p50_ms = self.p50_ms

        p90_ms: float | None
        p90_ms = self.p90_ms

        p99_ms: float | None
        p99_ms = self.p99_ms

        expected_404 = self.expected_404


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "route": route,
            "method": method,
            "requests": requests,
            "errors_4xx": errors_4xx,
            "errors_5xx": errors_5xx,
            "p50_ms": p50_ms,
            "p90_ms": p90_ms,
            "p99_ms": p99_ms,
        })
        if expected_404 is not UNSET:
            field_dict["expected_404"] = expected_404

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        route = d.pop("route")

        method = d.pop("method")

        requests = d.pop("requests")

        errors_4xx = d.pop("errors_4xx")

        errors_5xx = d.pop("errors_5xx")

        def _parse_p50_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p50_ms = _parse_p50_ms(d.pop("p50_ms"))


        def _parse_p90_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p90_ms = _parse_p90_ms(d.pop("p90_ms"))


        def _parse_p99_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p99_ms = _parse_p99_ms(d.pop("p99_ms"))


        expected_404 = d.pop("expected_404", UNSET)

        traffic_row = cls(
            route=route,
            method=method,
            requests=requests,
            errors_4xx=errors_4xx,
            errors_5xx=errors_5xx,
            p50_ms=p50_ms,
            p90_ms=p90_ms,
            p99_ms=p99_ms,
            expected_404=expected_404,
        )


        traffic_row.additional_properties = d
        return traffic_row

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

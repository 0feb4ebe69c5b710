from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="OverviewResponse")



@_attrs_define
class OverviewResponse:
    """ 
        Attributes:
            runners (int): runners holding at least one like or rating
            shoes (int): shoes in the catalog
            likes (int):
            ratings (int):
            likes_today (int | None): likes made since midnight UTC; null if the store keeps no times
            ratings_today (int | None):
            since (str): midnight UTC, ISO 8601
     """

    runners: int
    shoes: int
    likes: int
    ratings: int
    likes_today: int | None
    ratings_today: int | None
    since: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        runners = self.runners

        shoes = self.shoes

        likes = self.likes

        ratings = self.ratings

        likes_today: int | None
        likes_today = self.likes_today

        ratings_today: int | None
        ratings_today = self.ratings_today

        since = self.since


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "runners": runners,
            "shoes": shoes,
            "likes": likes,
            "ratings": ratings,
            "likes_today": likes_today,
            "ratings_today": ratings_today,
            "since": since,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        runners = d.pop("runners")

        shoes = d.pop("shoes")

        likes = d.pop("likes")

        ratings = d.pop("ratings")

        def _parse_likes_today(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        likes_today = _parse_likes_today(d.pop("likes_today"))


        def _parse_ratings_today(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ratings_today = _parse_ratings_today(d.pop("ratings_today"))


        since = d.pop("since")

        overview_response = cls(
            runners=runners,
            shoes=shoes,
            likes=likes,
            ratings=ratings,
            likes_today=likes_today,
            ratings_today=ratings_today,
            since=since,
        )


        overview_response.additional_properties = d
        return overview_response

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

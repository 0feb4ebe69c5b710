from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.feed_response_source import FeedResponseSource
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.feed_item import FeedItem





T = TypeVar("T", bound="FeedResponse")



@_attrs_define
class FeedResponse:
    """ 
        Attributes:
            status (Literal['success']):
            source (FeedResponseSource):
            cf_version (None | str):
            limit (int):
            offset (int):
            total (int | None): items in the whole ranking after the `type` filter; null for a collaborative feed asked
                without `type` (counting would rank the whole catalog); the same whichever worker answers
            has_more (bool):
            data (list[FeedItem]): The page of the feed, best first
            notice (None | str | Unset): set when the page is popular shoes only, nothing is left, or it is a cold start
     """

    status: Literal['success']
    source: FeedResponseSource
    cf_version: None | str
    limit: int
    offset: int
    total: int | None
    has_more: bool
    data: list[FeedItem]
    notice: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.feed_item import FeedItem # noqa: PLC0415
        status = self.status

        source = self.source.value

        cf_version: None | str
        cf_version = self.cf_version

        limit = self.limit

        offset = self.offset

        total: int | None
        total = self.total

        has_more = self.has_more

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)



        notice: None | str | Unset
        if isinstance(self.notice, Unset):
            notice = UNSET
        else:
            notice = self.notice


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "source": source,
            "cf_version": cf_version,
            "limit": limit,
            "offset": offset,
            "total": total,
            "has_more": has_more,
            "data": data,
        })
        if notice is not UNSET:
            field_dict["notice"] = notice

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feed_item import FeedItem # noqa: PLC0415
        d = dict(src_dict)
        status = cast(Literal['success'] , d.pop("status"))
        if status != 'success':
            raise ValueError(f"status must match const 'success', got '{status}'")

        source = FeedResponseSource(d.pop("source"))




        def _parse_cf_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cf_version = _parse_cf_version(d.pop("cf_version"))


        limit = d.pop("limit")

        offset = d.pop("offset")

        def _parse_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total = _parse_total(d.pop("total"))


        has_more = d.pop("has_more")

        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = FeedItem.from_dict(data_item_data)



            data.append(data_item)


        def _parse_notice(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notice = _parse_notice(d.pop("notice", UNSET))


        feed_response = cls(
            status=status,
            source=source,
            cf_version=cf_version,
            limit=limit,
            offset=offset,
            total=total,
            has_more=has_more,
            data=data,
            notice=notice,
        )


        feed_response.additional_properties = d
        return feed_response

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.neighbour import Neighbour
  from ..models.runner_interaction import RunnerInteraction
  from ..models.runner_lookup_feed_type_0 import RunnerLookupFeedType0





T = TypeVar("T", bound="RunnerLookup")



@_attrs_define
class RunnerLookup:
    """ 
        Attributes:
            user_id (int):
            cf_version (None | str):
            interactions (list[RunnerInteraction]):
            feed (None | RunnerLookupFeedType0): the runner's feed page as GET /v1/recommend/feed serves it
            neighbours (list[Neighbour]): the 10 runners whose liked shoes (a like or 4+ stars) overlap this runner's most
                (cosine of the two sets), best first, read from the store: the served engine weighs every runner by a power of
                this kind of similarity
     """

    user_id: int
    cf_version: None | str
    interactions: list[RunnerInteraction]
    feed: None | RunnerLookupFeedType0
    neighbours: list[Neighbour]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.neighbour import Neighbour # noqa: PLC0415
        from ..models.runner_interaction import RunnerInteraction # noqa: PLC0415
        from ..models.runner_lookup_feed_type_0 import RunnerLookupFeedType0 # noqa: PLC0415
        user_id = self.user_id

        cf_version: None | str
        cf_version = self.cf_version

        interactions = []
        for interactions_item_data in self.interactions:
            interactions_item = interactions_item_data.to_dict()
            interactions.append(interactions_item)



        feed: dict[str, Any] | None
        if isinstance(self.feed, RunnerLookupFeedType0):
            feed = self.feed.to_dict()
        else:
            feed = self.feed

        neighbours = []
        for neighbours_item_data in self.neighbours:
            neighbours_item = neighbours_item_data.to_dict()
            neighbours.append(neighbours_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "cf_version": cf_version,
            "interactions": interactions,
            "feed": feed,
            "neighbours": neighbours,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.neighbour import Neighbour # noqa: PLC0415
        from ..models.runner_interaction import RunnerInteraction # noqa: PLC0415
        from ..models.runner_lookup_feed_type_0 import RunnerLookupFeedType0 # noqa: PLC0415
        d = dict(src_dict)
        user_id = d.pop("user_id")

        def _parse_cf_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cf_version = _parse_cf_version(d.pop("cf_version"))


        interactions = []
        _interactions = d.pop("interactions")
        for interactions_item_data in (_interactions):
            interactions_item = RunnerInteraction.from_dict(interactions_item_data)



            interactions.append(interactions_item)


        def _parse_feed(data: object) -> None | RunnerLookupFeedType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                feed_type_0 = RunnerLookupFeedType0.from_dict(data)



                return feed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunnerLookupFeedType0, data)

        feed = _parse_feed(d.pop("feed"))


        neighbours = []
        _neighbours = d.pop("neighbours")
        for neighbours_item_data in (_neighbours):
            neighbours_item = Neighbour.from_dict(neighbours_item_data)



            neighbours.append(neighbours_item)


        runner_lookup = cls(
            user_id=user_id,
            cf_version=cf_version,
            interactions=interactions,
            feed=feed,
            neighbours=neighbours,
        )


        runner_lookup.additional_properties = d
        return runner_lookup

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

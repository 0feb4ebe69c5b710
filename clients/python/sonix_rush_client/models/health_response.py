from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.health_response_status import HealthResponseStatus
from ..models.health_response_store import HealthResponseStore
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.cf_engine_info import CFEngineInfo
  from ..models.cf_publication import CFPublication
  from ..models.health_response_content_models import HealthResponseContentModels
  from ..models.health_response_last_rebuild_type_0 import HealthResponseLastRebuildType0





T = TypeVar("T", bound="HealthResponse")



@_attrs_define
class HealthResponse:
    """ 
        Attributes:
            status (HealthResponseStatus): degraded: the data store does not answer
            worker_pid (int):
            store (HealthResponseStore):
            reload_generation (int | None): the newest admin reload this worker has applied
            ct_sync_progress (str): changed interactions since the last rebuild / threshold
            cf_engine (CFEngineInfo | None):
            content_models (HealthResponseContentModels): serving version per shoe type
            last_rebuild (HealthResponseLastRebuildType0 | None): outcome of the last continuous-training rebuild
            cf_publication (CFPublication):
            ct_rebuilds_claimed (int | None | Unset):
     """

    status: HealthResponseStatus
    worker_pid: int
    store: HealthResponseStore
    reload_generation: int | None
    ct_sync_progress: str
    cf_engine: CFEngineInfo | None
    content_models: HealthResponseContentModels
    last_rebuild: HealthResponseLastRebuildType0 | None
    cf_publication: CFPublication
    ct_rebuilds_claimed: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.cf_engine_info import CFEngineInfo # noqa: PLC0415
        from ..models.cf_publication import CFPublication # noqa: PLC0415
        from ..models.health_response_content_models import HealthResponseContentModels # noqa: PLC0415
        from ..models.health_response_last_rebuild_type_0 import HealthResponseLastRebuildType0 # noqa: PLC0415
        status = self.status.value

        worker_pid = self.worker_pid

        store = self.store.value

        reload_generation: int | None
        reload_generation = self.reload_generation

        ct_sync_progress = self.ct_sync_progress

        cf_engine: dict[str, Any] | None
        if isinstance(self.cf_engine, CFEngineInfo):
            cf_engine = self.cf_engine.to_dict()
        else:
            cf_engine = self.cf_engine

        content_models = self.content_models.to_dict()

        last_rebuild: dict[str, Any] | None
        if isinstance(self.last_rebuild, HealthResponseLastRebuildType0):
            last_rebuild = self.last_rebuild.to_dict()
        else:
            last_rebuild = self.last_rebuild

        cf_publication = self.cf_publication.to_dict()

        ct_rebuilds_claimed: int | None | Unset
        if isinstance(self.ct_rebuilds_claimed, Unset):
            ct_rebuilds_claimed = UNSET
        else:
            ct_rebuilds_claimed = self.ct_rebuilds_claimed


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "worker_pid": worker_pid,
            "store": store,
            "reload_generation": reload_generation,
            "ct_sync_progress": ct_sync_progress,
            "cf_engine": cf_engine,
            "content_models": content_models,
            "last_rebuild": last_rebuild,
            "cf_publication": cf_publication,
        })
        if ct_rebuilds_claimed is not UNSET:
            field_dict["ct_rebuilds_claimed"] = ct_rebuilds_claimed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cf_engine_info import CFEngineInfo # noqa: PLC0415
        from ..models.cf_publication import CFPublication # noqa: PLC0415
        from ..models.health_response_content_models import HealthResponseContentModels # noqa: PLC0415
        from ..models.health_response_last_rebuild_type_0 import HealthResponseLastRebuildType0 # noqa: PLC0415
        d = dict(src_dict)
        status = HealthResponseStatus(d.pop("status"))




        worker_pid = d.pop("worker_pid")

        store = HealthResponseStore(d.pop("store"))




        def _parse_reload_generation(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reload_generation = _parse_reload_generation(d.pop("reload_generation"))


        ct_sync_progress = d.pop("ct_sync_progress")

        def _parse_cf_engine(data: object) -> CFEngineInfo | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cf_engine_type_0 = CFEngineInfo.from_dict(data)



                return cf_engine_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CFEngineInfo | None, data)

        cf_engine = _parse_cf_engine(d.pop("cf_engine"))


        content_models = HealthResponseContentModels.from_dict(d.pop("content_models"))




        def _parse_last_rebuild(data: object) -> HealthResponseLastRebuildType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_rebuild_type_0 = HealthResponseLastRebuildType0.from_dict(data)



                return last_rebuild_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HealthResponseLastRebuildType0 | None, data)

        last_rebuild = _parse_last_rebuild(d.pop("last_rebuild"))


        cf_publication = CFPublication.from_dict(d.pop("cf_publication"))




        def _parse_ct_rebuilds_claimed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ct_rebuilds_claimed = _parse_ct_rebuilds_claimed(d.pop("ct_rebuilds_claimed", UNSET))


        health_response = cls(
            status=status,
            worker_pid=worker_pid,
            store=store,
            reload_generation=reload_generation,
            ct_sync_progress=ct_sync_progress,
            cf_engine=cf_engine,
            content_models=content_models,
            last_rebuild=last_rebuild,
            cf_publication=cf_publication,
            ct_rebuilds_claimed=ct_rebuilds_claimed,
        )


        health_response.additional_properties = d
        return health_response

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

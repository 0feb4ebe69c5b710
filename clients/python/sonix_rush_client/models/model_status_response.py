from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.cf_publication import CFPublication
  from ..models.model_status_response_ct import ModelStatusResponseCt
  from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0
  from ..models.model_status_response_processes_type_0_item import ModelStatusResponseProcessesType0Item
  from ..models.model_status_response_serving import ModelStatusResponseServing





T = TypeVar("T", bound="ModelStatusResponse")



@_attrs_define
class ModelStatusResponse:
    """ 
        Attributes:
            serving (ModelStatusResponseServing):
            last_rebuild (ModelStatusResponseLastRebuildType0 | None):
            ct (ModelStatusResponseCt): progress, rebuilds claimed, newest event id; or the store error
            cf_publication (CFPublication):
            processes (list[ModelStatusResponseProcessesType0Item] | None | Unset): every live process of every replica and
                the CF version it serves
     """

    serving: ModelStatusResponseServing
    last_rebuild: ModelStatusResponseLastRebuildType0 | None
    ct: ModelStatusResponseCt
    cf_publication: CFPublication
    processes: list[ModelStatusResponseProcessesType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.cf_publication import CFPublication # noqa: PLC0415
        from ..models.model_status_response_ct import ModelStatusResponseCt # noqa: PLC0415
        from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0 # noqa: PLC0415
        from ..models.model_status_response_processes_type_0_item import ModelStatusResponseProcessesType0Item # noqa: PLC0415
        from ..models.model_status_response_serving import ModelStatusResponseServing # noqa: PLC0415
        serving = self.serving.to_dict()

        last_rebuild: dict[str, Any] | None
        if isinstance(self.last_rebuild, ModelStatusResponseLastRebuildType0):
            last_rebuild = self.last_rebuild.to_dict()
        else:
            last_rebuild = self.last_rebuild

        ct = self.ct.to_dict()

        cf_publication = self.cf_publication.to_dict()

        processes: list[dict[str, Any]] | None | Unset
        if isinstance(self.processes, Unset):
            processes = UNSET
        elif isinstance(self.processes, list):
            processes = []
            for processes_type_0_item_data in self.processes:
                processes_type_0_item = processes_type_0_item_data.to_dict()
                processes.append(processes_type_0_item)


        else:
            processes = self.processes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "serving": serving,
            "last_rebuild": last_rebuild,
            "ct": ct,
            "cf_publication": cf_publication,
        })
        if processes is not UNSET:
            field_dict["processes"] = processes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cf_publication import CFPublication # noqa: PLC0415
        from ..models.model_status_response_ct import ModelStatusResponseCt # noqa: PLC0415
        from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0 # noqa: PLC0415
        from ..models.model_status_response_processes_type_0_item import ModelStatusResponseProcessesType0Item # noqa: PLC0415
        from ..models.model_status_response_serving import ModelStatusResponseServing # noqa: PLC0415
        d = dict(src_dict)
        serving = ModelStatusResponseServing.from_dict(d.pop("serving"))




        def _parse_last_rebuild(data: object) -> ModelStatusResponseLastRebuildType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_rebuild_type_0 = ModelStatusResponseLastRebuildType0.from_dict(data)



                return last_rebuild_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelStatusResponseLastRebuildType0 | None, data)

        last_rebuild = _parse_last_rebuild(d.pop("last_rebuild"))


        ct = ModelStatusResponseCt.from_dict(d.pop("ct"))




        cf_publication = CFPublication.from_dict(d.pop("cf_publication"))




        def _parse_processes(data: object) -> list[ModelStatusResponseProcessesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                processes_type_0 = []
                _processes_type_0 = data
                for processes_type_0_item_data in (_processes_type_0):
                    processes_type_0_item = ModelStatusResponseProcessesType0Item.from_dict(processes_type_0_item_data)



                    processes_type_0.append(processes_type_0_item)

                return processes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ModelStatusResponseProcessesType0Item] | None | Unset, data)

        processes = _parse_processes(d.pop("processes", UNSET))


        model_status_response = cls(
            serving=serving,
            last_rebuild=last_rebuild,
            ct=ct,
            cf_publication=cf_publication,
            processes=processes,
        )


        model_status_response.additional_properties = d
        return model_status_response

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

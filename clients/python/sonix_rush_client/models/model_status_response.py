from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.model_status_response_ct import ModelStatusResponseCt
  from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0
  from ..models.model_status_response_serving import ModelStatusResponseServing





T = TypeVar("T", bound="ModelStatusResponse")



@_attrs_define
class ModelStatusResponse:
    """ 
        Attributes:
            serving (ModelStatusResponseServing):
            last_rebuild (ModelStatusResponseLastRebuildType0 | None):
            ct (ModelStatusResponseCt): progress, rebuilds claimed, newest event id; or the store error
     """

    serving: ModelStatusResponseServing
    last_rebuild: ModelStatusResponseLastRebuildType0 | None
    ct: ModelStatusResponseCt
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model_status_response_ct import ModelStatusResponseCt # noqa: PLC0415
        from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0 # noqa: PLC0415
        from ..models.model_status_response_serving import ModelStatusResponseServing # noqa: PLC0415
        serving = self.serving.to_dict()

        last_rebuild: dict[str, Any] | None
        if isinstance(self.last_rebuild, ModelStatusResponseLastRebuildType0):
            last_rebuild = self.last_rebuild.to_dict()
        else:
            last_rebuild = self.last_rebuild

        ct = self.ct.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "serving": serving,
            "last_rebuild": last_rebuild,
            "ct": ct,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_status_response_ct import ModelStatusResponseCt # noqa: PLC0415
        from ..models.model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0 # noqa: PLC0415
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




        model_status_response = cls(
            serving=serving,
            last_rebuild=last_rebuild,
            ct=ct,
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

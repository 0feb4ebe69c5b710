from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.shoe_sheet_shoe_type import ShoeSheetShoeType
from ..models.shoe_sheet_status import ShoeSheetStatus
from ..models.shoe_sheet_widths_item import ShoeSheetWidthsItem
from typing import cast

if TYPE_CHECKING:
  from ..models.shoe_sheet_attributes import ShoeSheetAttributes
  from ..models.shoe_sheet_provenance import ShoeSheetProvenance
  from ..models.shoe_sheet_specs import ShoeSheetSpecs





T = TypeVar("T", bound="ShoeSheet")



@_attrs_define
class ShoeSheet:
    """ 
        Attributes:
            shoe_id (str):
            name (str):
            brand (str):
            release_year (int | None):
            spec_source (str): original (the original system's data), published or estimated
            status (ShoeSheetStatus): retired: kept for history, never recommended
            shoe_type (ShoeSheetShoeType):
            widths (list[ShoeSheetWidthsItem]):
            specs (ShoeSheetSpecs): every feature of the shoe's type
            specs_in_words (list[str]):
            attributes (ShoeSheetAttributes): price_usd, audience_score, popularity, rocker, toebox_width,
                torsional_rigidity, heel_counter, durability, orthotic_friendly; null when no source gives one
            season (None | str): all, summer or winter (RunRepeat); null when unknown
            provenance (ShoeSheetProvenance): per numeric field, where its figure comes from: lab, brand, runrepeat,
                original, published, derived or estimated (data/README.md)
            source_rows (None | str): the original data's rows this shoe was built from
     """

    shoe_id: str
    name: str
    brand: str
    release_year: int | None
    spec_source: str
    status: ShoeSheetStatus
    shoe_type: ShoeSheetShoeType
    widths: list[ShoeSheetWidthsItem]
    specs: ShoeSheetSpecs
    specs_in_words: list[str]
    attributes: ShoeSheetAttributes
    season: None | str
    provenance: ShoeSheetProvenance
    source_rows: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.shoe_sheet_attributes import ShoeSheetAttributes # noqa: PLC0415
        from ..models.shoe_sheet_provenance import ShoeSheetProvenance # noqa: PLC0415
        from ..models.shoe_sheet_specs import ShoeSheetSpecs # noqa: PLC0415
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        release_year: int | None
        release_year = self.release_year

        spec_source = self.spec_source

        status = self.status.value

        shoe_type = self.shoe_type.value

        widths = []
        for widths_item_data in self.widths:
            widths_item = widths_item_data.value
            widths.append(widths_item)



        specs = self.specs.to_dict()

        specs_in_words = self.specs_in_words



        attributes = self.attributes.to_dict()

        season: None | str
        season = self.season

        provenance = self.provenance.to_dict()

        source_rows: None | str
        source_rows = self.source_rows


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "release_year": release_year,
            "spec_source": spec_source,
            "status": status,
            "shoe_type": shoe_type,
            "widths": widths,
            "specs": specs,
            "specs_in_words": specs_in_words,
            "attributes": attributes,
            "season": season,
            "provenance": provenance,
            "source_rows": source_rows,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shoe_sheet_attributes import ShoeSheetAttributes # noqa: PLC0415
        from ..models.shoe_sheet_provenance import ShoeSheetProvenance # noqa: PLC0415
        from ..models.shoe_sheet_specs import ShoeSheetSpecs # noqa: PLC0415
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        def _parse_release_year(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        release_year = _parse_release_year(d.pop("release_year"))


        spec_source = d.pop("spec_source")

        status = ShoeSheetStatus(d.pop("status"))




        shoe_type = ShoeSheetShoeType(d.pop("shoe_type"))




        widths = []
        _widths = d.pop("widths")
        for widths_item_data in (_widths):
            widths_item = ShoeSheetWidthsItem(widths_item_data)



            widths.append(widths_item)


        specs = ShoeSheetSpecs.from_dict(d.pop("specs"))




        specs_in_words = cast(list[str], d.pop("specs_in_words"))


        attributes = ShoeSheetAttributes.from_dict(d.pop("attributes"))




        def _parse_season(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        season = _parse_season(d.pop("season"))


        provenance = ShoeSheetProvenance.from_dict(d.pop("provenance"))




        def _parse_source_rows(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source_rows = _parse_source_rows(d.pop("source_rows"))


        shoe_sheet = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            release_year=release_year,
            spec_source=spec_source,
            status=status,
            shoe_type=shoe_type,
            widths=widths,
            specs=specs,
            specs_in_words=specs_in_words,
            attributes=attributes,
            season=season,
            provenance=provenance,
            source_rows=source_rows,
        )


        shoe_sheet.additional_properties = d
        return shoe_sheet

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

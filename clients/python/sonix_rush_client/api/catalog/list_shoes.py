from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.list_shoes_plate_type_0 import ListShoesPlateType0
from ...models.list_shoes_sort import ListShoesSort
from ...models.list_shoes_stability_type_0 import ListShoesStabilityType0
from ...models.list_shoes_type_type_0 import ListShoesTypeType0
from ...models.list_shoes_water_resistance_type_0 import ListShoesWaterResistanceType0
from ...models.list_shoes_width_type_0 import ListShoesWidthType0
from ...models.problem import Problem
from ...models.shoe_page import ShoePage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    type_: ListShoesTypeType0 | None | Unset = UNSET,
    brand: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    width: ListShoesWidthType0 | None | Unset = UNSET,
    stability: ListShoesStabilityType0 | None | Unset = UNSET,
    water_resistance: ListShoesWaterResistanceType0 | None | Unset = UNSET,
    plate: ListShoesPlateType0 | None | Unset = UNSET,
    weight_min: float | None | Unset = UNSET,
    weight_max: float | None | Unset = UNSET,
    drop_min: float | None | Unset = UNSET,
    drop_max: float | None | Unset = UNSET,
    stack_min: float | None | Unset = UNSET,
    stack_max: float | None | Unset = UNSET,
    price_min: float | None | Unset = UNSET,
    price_max: float | None | Unset = UNSET,
    sort: ListShoesSort | Unset = ListShoesSort.SHOE_ID,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, ListShoesTypeType0):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_brand: None | str | Unset
    if isinstance(brand, Unset):
        json_brand = UNSET
    else:
        json_brand = brand
    params["brand"] = json_brand

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_width: None | str | Unset
    if isinstance(width, Unset):
        json_width = UNSET
    elif isinstance(width, ListShoesWidthType0):
        json_width = width.value
    else:
        json_width = width
    params["width"] = json_width

    json_stability: None | str | Unset
    if isinstance(stability, Unset):
        json_stability = UNSET
    elif isinstance(stability, ListShoesStabilityType0):
        json_stability = stability.value
    else:
        json_stability = stability
    params["stability"] = json_stability

    json_water_resistance: None | str | Unset
    if isinstance(water_resistance, Unset):
        json_water_resistance = UNSET
    elif isinstance(water_resistance, ListShoesWaterResistanceType0):
        json_water_resistance = water_resistance.value
    else:
        json_water_resistance = water_resistance
    params["water_resistance"] = json_water_resistance

    json_plate: None | str | Unset
    if isinstance(plate, Unset):
        json_plate = UNSET
    elif isinstance(plate, ListShoesPlateType0):
        json_plate = plate.value
    else:
        json_plate = plate
    params["plate"] = json_plate

    json_weight_min: float | None | Unset
    if isinstance(weight_min, Unset):
        json_weight_min = UNSET
    else:
        json_weight_min = weight_min
    params["weight_min"] = json_weight_min

    json_weight_max: float | None | Unset
    if isinstance(weight_max, Unset):
        json_weight_max = UNSET
    else:
        json_weight_max = weight_max
    params["weight_max"] = json_weight_max

    json_drop_min: float | None | Unset
    if isinstance(drop_min, Unset):
        json_drop_min = UNSET
    else:
        json_drop_min = drop_min
    params["drop_min"] = json_drop_min

    json_drop_max: float | None | Unset
    if isinstance(drop_max, Unset):
        json_drop_max = UNSET
    else:
        json_drop_max = drop_max
    params["drop_max"] = json_drop_max

    json_stack_min: float | None | Unset
    if isinstance(stack_min, Unset):
        json_stack_min = UNSET
    else:
        json_stack_min = stack_min
    params["stack_min"] = json_stack_min

    json_stack_max: float | None | Unset
    if isinstance(stack_max, Unset):
        json_stack_max = UNSET
    else:
        json_stack_max = stack_max
    params["stack_max"] = json_stack_max

    json_price_min: float | None | Unset
    if isinstance(price_min, Unset):
        json_price_min = UNSET
    else:
        json_price_min = price_min
    params["price_min"] = json_price_min

    json_price_max: float | None | Unset
    if isinstance(price_max, Unset):
        json_price_max = UNSET
    else:
        json_price_max = price_max
    params["price_max"] = json_price_max

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["limit"] = limit

    params["offset"] = offset


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shoes",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ShoePage | None:
    if response.status_code == 200:
        response_200 = ShoePage.from_dict(response.json())



        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ShoePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: ListShoesTypeType0 | None | Unset = UNSET,
    brand: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    width: ListShoesWidthType0 | None | Unset = UNSET,
    stability: ListShoesStabilityType0 | None | Unset = UNSET,
    water_resistance: ListShoesWaterResistanceType0 | None | Unset = UNSET,
    plate: ListShoesPlateType0 | None | Unset = UNSET,
    weight_min: float | None | Unset = UNSET,
    weight_max: float | None | Unset = UNSET,
    drop_min: float | None | Unset = UNSET,
    drop_max: float | None | Unset = UNSET,
    stack_min: float | None | Unset = UNSET,
    stack_max: float | None | Unset = UNSET,
    price_min: float | None | Unset = UNSET,
    price_max: float | None | Unset = UNSET,
    sort: ListShoesSort | Unset = ListShoesSort.SHOE_ID,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Response[Problem | ShoePage]:
    """ Browse and filter the catalog

     Every filter is optional and they combine (AND; a min above its max matches nothing); `sort` takes
    `-` for descending; `total` counts
    every match, `has_more` says whether a next page exists.

    Args:
        type_ (ListShoesTypeType0 | None | Unset):
        brand (None | str | Unset): exact brand, any case
        q (None | str | Unset): text in the name, any case
        width (ListShoesWidthType0 | None | Unset): a width the shoe is offered in
        stability (ListShoesStabilityType0 | None | Unset):
        water_resistance (ListShoesWaterResistanceType0 | None | Unset):
        plate (ListShoesPlateType0 | None | Unset):
        weight_min (float | None | Unset): grams
        weight_max (float | None | Unset): grams
        drop_min (float | None | Unset): mm
        drop_max (float | None | Unset): mm
        stack_min (float | None | Unset): heel stack, mm
        stack_max (float | None | Unset): heel stack, mm
        price_min (float | None | Unset): US dollars; shoes without a known price are left out
        price_max (float | None | Unset): US dollars; shoes without a known price are left out
        sort (ListShoesSort | Unset):  Default: ListShoesSort.SHOE_ID.
        limit (int | Unset):  Default: 20.
        offset (int | Unset): shoes to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShoePage]
     """


    kwargs = _get_kwargs(
        type_=type_,
brand=brand,
q=q,
width=width,
stability=stability,
water_resistance=water_resistance,
plate=plate,
weight_min=weight_min,
weight_max=weight_max,
drop_min=drop_min,
drop_max=drop_max,
stack_min=stack_min,
stack_max=stack_max,
price_min=price_min,
price_max=price_max,
sort=sort,
limit=limit,
offset=offset,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    type_: ListShoesTypeType0 | None | Unset = UNSET,
    brand: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    width: ListShoesWidthType0 | None | Unset = UNSET,
    stability: ListShoesStabilityType0 | None | Unset = UNSET,
    water_resistance: ListShoesWaterResistanceType0 | None | Unset = UNSET,
    plate: ListShoesPlateType0 | None | Unset = UNSET,
    weight_min: float | None | Unset = UNSET,
    weight_max: float | None | Unset = UNSET,
    drop_min: float | None | Unset = UNSET,
    drop_max: float | None | Unset = UNSET,
    stack_min: float | None | Unset = UNSET,
    stack_max: float | None | Unset = UNSET,
    price_min: float | None | Unset = UNSET,
    price_max: float | None | Unset = UNSET,
    sort: ListShoesSort | Unset = ListShoesSort.SHOE_ID,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Problem | ShoePage | None:
    """ Browse and filter the catalog

     Every filter is optional and they combine (AND; a min above its max matches nothing); `sort` takes
    `-` for descending; `total` counts
    every match, `has_more` says whether a next page exists.

    Args:
        type_ (ListShoesTypeType0 | None | Unset):
        brand (None | str | Unset): exact brand, any case
        q (None | str | Unset): text in the name, any case
        width (ListShoesWidthType0 | None | Unset): a width the shoe is offered in
        stability (ListShoesStabilityType0 | None | Unset):
        water_resistance (ListShoesWaterResistanceType0 | None | Unset):
        plate (ListShoesPlateType0 | None | Unset):
        weight_min (float | None | Unset): grams
        weight_max (float | None | Unset): grams
        drop_min (float | None | Unset): mm
        drop_max (float | None | Unset): mm
        stack_min (float | None | Unset): heel stack, mm
        stack_max (float | None | Unset): heel stack, mm
        price_min (float | None | Unset): US dollars; shoes without a known price are left out
        price_max (float | None | Unset): US dollars; shoes without a known price are left out
        sort (ListShoesSort | Unset):  Default: ListShoesSort.SHOE_ID.
        limit (int | Unset):  Default: 20.
        offset (int | Unset): shoes to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShoePage
     """


    return sync_detailed(
        client=client,
type_=type_,
brand=brand,
q=q,
width=width,
stability=stability,
water_resistance=water_resistance,
plate=plate,
weight_min=weight_min,
weight_max=weight_max,
drop_min=drop_min,
drop_max=drop_max,
stack_min=stack_min,
stack_max=stack_max,
price_min=price_min,
price_max=price_max,
sort=sort,
limit=limit,
offset=offset,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: ListShoesTypeType0 | None | Unset = UNSET,
    brand: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    width: ListShoesWidthType0 | None | Unset = UNSET,
    stability: ListShoesStabilityType0 | None | Unset = UNSET,
    water_resistance: ListShoesWaterResistanceType0 | None | Unset = UNSET,
    plate: ListShoesPlateType0 | None | Unset = UNSET,
    weight_min: float | None | Unset = UNSET,
    weight_max: float | None | Unset = UNSET,
    drop_min: float | None | Unset = UNSET,
    drop_max: float | None | Unset = UNSET,
    stack_min: float | None | Unset = UNSET,
    stack_max: float | None | Unset = UNSET,
    price_min: float | None | Unset = UNSET,
    price_max: float | None | Unset = UNSET,
    sort: ListShoesSort | Unset = ListShoesSort.SHOE_ID,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Response[Problem | ShoePage]:
    """ Browse and filter the catalog

     Every filter is optional and they combine (AND; a min above its max matches nothing); `sort` takes
    `-` for descending; `total` counts
    every match, `has_more` says whether a next page exists.

    Args:
        type_ (ListShoesTypeType0 | None | Unset):
        brand (None | str | Unset): exact brand, any case
        q (None | str | Unset): text in the name, any case
        width (ListShoesWidthType0 | None | Unset): a width the shoe is offered in
        stability (ListShoesStabilityType0 | None | Unset):
        water_resistance (ListShoesWaterResistanceType0 | None | Unset):
        plate (ListShoesPlateType0 | None | Unset):
        weight_min (float | None | Unset): grams
        weight_max (float | None | Unset): grams
        drop_min (float | None | Unset): mm
        drop_max (float | None | Unset): mm
        stack_min (float | None | Unset): heel stack, mm
        stack_max (float | None | Unset): heel stack, mm
        price_min (float | None | Unset): US dollars; shoes without a known price are left out
        price_max (float | None | Unset): US dollars; shoes without a known price are left out
        sort (ListShoesSort | Unset):  Default: ListShoesSort.SHOE_ID.
        limit (int | Unset):  Default: 20.
        offset (int | Unset): shoes to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShoePage]
     """


    kwargs = _get_kwargs(
        type_=type_,
brand=brand,
q=q,
width=width,
stability=stability,
water_resistance=water_resistance,
plate=plate,
weight_min=weight_min,
weight_max=weight_max,
drop_min=drop_min,
drop_max=drop_max,
stack_min=stack_min,
stack_max=stack_max,
price_min=price_min,
price_max=price_max,
sort=sort,
limit=limit,
offset=offset,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: ListShoesTypeType0 | None | Unset = UNSET,
    brand: None | str | Unset = UNSET,
    q: None | str | Unset = UNSET,
    width: ListShoesWidthType0 | None | Unset = UNSET,
    stability: ListShoesStabilityType0 | None | Unset = UNSET,
    water_resistance: ListShoesWaterResistanceType0 | None | Unset = UNSET,
    plate: ListShoesPlateType0 | None | Unset = UNSET,
    weight_min: float | None | Unset = UNSET,
    weight_max: float | None | Unset = UNSET,
    drop_min: float | None | Unset = UNSET,
    drop_max: float | None | Unset = UNSET,
    stack_min: float | None | Unset = UNSET,
    stack_max: float | None | Unset = UNSET,
    price_min: float | None | Unset = UNSET,
    price_max: float | None | Unset = UNSET,
    sort: ListShoesSort | Unset = ListShoesSort.SHOE_ID,
    limit: int | Unset = 20,
    offset: int | Unset = 0,

) -> Problem | ShoePage | None:
    """ Browse and filter the catalog

     Every filter is optional and they combine (AND; a min above its max matches nothing); `sort` takes
    `-` for descending; `total` counts
    every match, `has_more` says whether a next page exists.

    Args:
        type_ (ListShoesTypeType0 | None | Unset):
        brand (None | str | Unset): exact brand, any case
        q (None | str | Unset): text in the name, any case
        width (ListShoesWidthType0 | None | Unset): a width the shoe is offered in
        stability (ListShoesStabilityType0 | None | Unset):
        water_resistance (ListShoesWaterResistanceType0 | None | Unset):
        plate (ListShoesPlateType0 | None | Unset):
        weight_min (float | None | Unset): grams
        weight_max (float | None | Unset): grams
        drop_min (float | None | Unset): mm
        drop_max (float | None | Unset): mm
        stack_min (float | None | Unset): heel stack, mm
        stack_max (float | None | Unset): heel stack, mm
        price_min (float | None | Unset): US dollars; shoes without a known price are left out
        price_max (float | None | Unset): US dollars; shoes without a known price are left out
        sort (ListShoesSort | Unset):  Default: ListShoesSort.SHOE_ID.
        limit (int | Unset):  Default: 20.
        offset (int | Unset): shoes to skip Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShoePage
     """


    return (await asyncio_detailed(
        client=client,
type_=type_,
brand=brand,
q=q,
width=width,
stability=stability,
water_resistance=water_resistance,
plate=plate,
weight_min=weight_min,
weight_max=weight_max,
drop_min=drop_min,
drop_max=drop_max,
stack_min=stack_min,
stack_max=stack_max,
price_min=price_min,
price_max=price_max,
sort=sort,
limit=limit,
offset=offset,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.shoe_sheet_response import ShoeSheetResponse
from typing import cast



def _get_kwargs(
    shoe_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shoes/{shoe_id}".format(shoe_id=quote(str(shoe_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ShoeSheetResponse | None:
    if response.status_code == 200:
        response_200 = ShoeSheetResponse.from_dict(response.json())



        return response_200

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ShoeSheetResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | ShoeSheetResponse]:
    """ A shoe's full spec sheet

     Every spec with its source (`provenance`: lab, brand, runrepeat, original, published, derived or
    estimated); a retired shoe (`status`) stays readable for the runners who liked it.

    Args:
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShoeSheetResponse]
     """


    kwargs = _get_kwargs(
        shoe_id=shoe_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | ShoeSheetResponse | None:
    """ A shoe's full spec sheet

     Every spec with its source (`provenance`: lab, brand, runrepeat, original, published, derived or
    estimated); a retired shoe (`status`) stays readable for the runners who liked it.

    Args:
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShoeSheetResponse
     """


    return sync_detailed(
        shoe_id=shoe_id,
client=client,

    ).parsed

async def asyncio_detailed(
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | ShoeSheetResponse]:
    """ A shoe's full spec sheet

     Every spec with its source (`provenance`: lab, brand, runrepeat, original, published, derived or
    estimated); a retired shoe (`status`) stays readable for the runners who liked it.

    Args:
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ShoeSheetResponse]
     """


    kwargs = _get_kwargs(
        shoe_id=shoe_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | ShoeSheetResponse | None:
    """ A shoe's full spec sheet

     Every spec with its source (`provenance`: lab, brand, runrepeat, original, published, derived or
    estimated); a retired shoe (`status`) stays readable for the runners who liked it.

    Args:
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ShoeSheetResponse
     """


    return (await asyncio_detailed(
        shoe_id=shoe_id,
client=client,

    )).parsed

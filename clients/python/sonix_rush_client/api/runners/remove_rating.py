from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.removal_response import RemovalResponse
from typing import cast



def _get_kwargs(
    user_id: int,
    shoe_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/users/{user_id}/ratings/{shoe_id}".format(user_id=quote(str(user_id), safe=""),shoe_id=quote(str(shoe_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RemovalResponse | None:
    if response.status_code == 200:
        response_200 = RemovalResponse.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RemovalResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: int,
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | RemovalResponse]:
    """ Remove Rating

     Take back a rating: recorded as an `unrate` event and counted towards continuous training.

    Args:
        user_id (int): The runner's id
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RemovalResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
shoe_id=shoe_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: int,
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | RemovalResponse | None:
    """ Remove Rating

     Take back a rating: recorded as an `unrate` event and counted towards continuous training.

    Args:
        user_id (int): The runner's id
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RemovalResponse
     """


    return sync_detailed(
        user_id=user_id,
shoe_id=shoe_id,
client=client,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | RemovalResponse]:
    """ Remove Rating

     Take back a rating: recorded as an `unrate` event and counted towards continuous training.

    Args:
        user_id (int): The runner's id
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RemovalResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
shoe_id=shoe_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: int,
    shoe_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | RemovalResponse | None:
    """ Remove Rating

     Take back a rating: recorded as an `unrate` event and counted towards continuous training.

    Args:
        user_id (int): The runner's id
        shoe_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RemovalResponse
     """


    return (await asyncio_detailed(
        user_id=user_id,
shoe_id=shoe_id,
client=client,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.similar_shoes_response import SimilarShoesResponse
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    shoe_id: str,
    *,
    n: int | Unset = 10,
    same_type: bool | Unset = True,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["n"] = n

    params["same_type"] = same_type


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/shoes/{shoe_id}/similar".format(shoe_id=quote(str(shoe_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SimilarShoesResponse | None:
    if response.status_code == 200:
        response_200 = SimilarShoesResponse.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SimilarShoesResponse]:
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
    n: int | Unset = 10,
    same_type: bool | Unset = True,

) -> Response[Problem | SimilarShoesResponse]:
    """ Shoes similar to this one

     "Runners who liked this also liked" from the serving CF version (pairs liked together by at
    least two runners), filled up with the nearest shoes in the autoencoder's latent space.

    Args:
        shoe_id (str):
        n (int | Unset):  Default: 10.
        same_type (bool | Unset): false: road and trail shoes alike Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SimilarShoesResponse]
     """


    kwargs = _get_kwargs(
        shoe_id=shoe_id,
n=n,
same_type=same_type,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    shoe_id: str,
    *,
    client: AuthenticatedClient,
    n: int | Unset = 10,
    same_type: bool | Unset = True,

) -> Problem | SimilarShoesResponse | None:
    """ Shoes similar to this one

     "Runners who liked this also liked" from the serving CF version (pairs liked together by at
    least two runners), filled up with the nearest shoes in the autoencoder's latent space.

    Args:
        shoe_id (str):
        n (int | Unset):  Default: 10.
        same_type (bool | Unset): false: road and trail shoes alike Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SimilarShoesResponse
     """


    return sync_detailed(
        shoe_id=shoe_id,
client=client,
n=n,
same_type=same_type,

    ).parsed

async def asyncio_detailed(
    shoe_id: str,
    *,
    client: AuthenticatedClient,
    n: int | Unset = 10,
    same_type: bool | Unset = True,

) -> Response[Problem | SimilarShoesResponse]:
    """ Shoes similar to this one

     "Runners who liked this also liked" from the serving CF version (pairs liked together by at
    least two runners), filled up with the nearest shoes in the autoencoder's latent space.

    Args:
        shoe_id (str):
        n (int | Unset):  Default: 10.
        same_type (bool | Unset): false: road and trail shoes alike Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SimilarShoesResponse]
     """


    kwargs = _get_kwargs(
        shoe_id=shoe_id,
n=n,
same_type=same_type,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    shoe_id: str,
    *,
    client: AuthenticatedClient,
    n: int | Unset = 10,
    same_type: bool | Unset = True,

) -> Problem | SimilarShoesResponse | None:
    """ Shoes similar to this one

     "Runners who liked this also liked" from the serving CF version (pairs liked together by at
    least two runners), filled up with the nearest shoes in the autoencoder's latent space.

    Args:
        shoe_id (str):
        n (int | Unset):  Default: 10.
        same_type (bool | Unset): false: road and trail shoes alike Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SimilarShoesResponse
     """


    return (await asyncio_detailed(
        shoe_id=shoe_id,
client=client,
n=n,
same_type=same_type,

    )).parsed

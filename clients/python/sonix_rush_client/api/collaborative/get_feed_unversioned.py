from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.feed_response import FeedResponse
from ...models.get_feed_unversioned_type_type_0 import GetFeedUnversionedTypeType0
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    user_id: int,
    *,
    limit: int | None | Unset = UNSET,
    offset: int | Unset = 0,
    type_: GetFeedUnversionedTypeType0 | None | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match



    

    params: dict[str, Any] = {}

    json_limit: int | None | Unset
    if isinstance(limit, Unset):
        json_limit = UNSET
    else:
        json_limit = limit
    params["limit"] = json_limit

    params["offset"] = offset

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, GetFeedUnversionedTypeType0):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/recommend/feed/{user_id}".format(user_id=quote(str(user_id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | FeedResponse | Problem | None:
    if response.status_code == 200:
        response_200 = FeedResponse.from_dict(response.json())



        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | FeedResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
    offset: int | Unset = 0,
    type_: GetFeedUnversionedTypeType0 | None | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,

) -> Response[Any | FeedResponse | Problem]:
    """ A runner's personalised feed, a page at a time

     The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it.

    Args:
        user_id (int): The runner's id
        limit (int | None | Unset): page size (default FEED_SIZE)
        offset (int | Unset):  Default: 0.
        type_ (GetFeedUnversionedTypeType0 | None | Unset):
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedResponse | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
offset=offset,
type_=type_,
if_none_match=if_none_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
    offset: int | Unset = 0,
    type_: GetFeedUnversionedTypeType0 | None | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,

) -> Any | FeedResponse | Problem | None:
    """ A runner's personalised feed, a page at a time

     The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it.

    Args:
        user_id (int): The runner's id
        limit (int | None | Unset): page size (default FEED_SIZE)
        offset (int | Unset):  Default: 0.
        type_ (GetFeedUnversionedTypeType0 | None | Unset):
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedResponse | Problem
     """


    return sync_detailed(
        user_id=user_id,
client=client,
limit=limit,
offset=offset,
type_=type_,
if_none_match=if_none_match,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
    offset: int | Unset = 0,
    type_: GetFeedUnversionedTypeType0 | None | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,

) -> Response[Any | FeedResponse | Problem]:
    """ A runner's personalised feed, a page at a time

     The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it.

    Args:
        user_id (int): The runner's id
        limit (int | None | Unset): page size (default FEED_SIZE)
        offset (int | Unset):  Default: 0.
        type_ (GetFeedUnversionedTypeType0 | None | Unset):
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedResponse | Problem]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
limit=limit,
offset=offset,
type_=type_,
if_none_match=if_none_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    limit: int | None | Unset = UNSET,
    offset: int | Unset = 0,
    type_: GetFeedUnversionedTypeType0 | None | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,

) -> Any | FeedResponse | Problem | None:
    """ A runner's personalised feed, a page at a time

     The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it.

    Args:
        user_id (int): The runner's id
        limit (int | None | Unset): page size (default FEED_SIZE)
        offset (int | Unset):  Default: 0.
        type_ (GetFeedUnversionedTypeType0 | None | Unset):
        if_none_match (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedResponse | Problem
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
limit=limit,
offset=offset,
type_=type_,
if_none_match=if_none_match,

    )).parsed

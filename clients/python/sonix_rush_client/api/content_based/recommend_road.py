from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.content_response import ContentResponse
from ...models.problem import Problem
from ...models.road_questionnaire import RoadQuestionnaire
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: None | RoadQuestionnaire | Unset = UNSET,
    user_id: int | None | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_user_id: int | None | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["user_id"] = json_user_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/recommend/road",
        "params": params,
    }

    
    if isinstance(body, RoadQuestionnaire):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ContentResponse | Problem | None:
    if response.status_code == 200:
        response_200 = ContentResponse.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ContentResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: None | RoadQuestionnaire | Unset = UNSET,
    user_id: int | None | Unset = UNSET,

) -> Response[ContentResponse | Problem]:
    """ Road shoes for a questionnaire

     Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner.

    Args:
        user_id (int | None | Unset): The runner asking, if known: the shoes shown are recorded
            for online evaluation (the answer is the same without it). When API_KEY is set it is
            recorded only with a valid client key, and ignored without one
        body (None | RoadQuestionnaire | Unset): The answers; every field optional, an empty body
            or {} is allowed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentResponse | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
user_id=user_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: None | RoadQuestionnaire | Unset = UNSET,
    user_id: int | None | Unset = UNSET,

) -> ContentResponse | Problem | None:
    """ Road shoes for a questionnaire

     Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner.

    Args:
        user_id (int | None | Unset): The runner asking, if known: the shoes shown are recorded
            for online evaluation (the answer is the same without it). When API_KEY is set it is
            recorded only with a valid client key, and ignored without one
        body (None | RoadQuestionnaire | Unset): The answers; every field optional, an empty body
            or {} is allowed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentResponse | Problem
     """


    return sync_detailed(
        client=client,
body=body,
user_id=user_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: None | RoadQuestionnaire | Unset = UNSET,
    user_id: int | None | Unset = UNSET,

) -> Response[ContentResponse | Problem]:
    """ Road shoes for a questionnaire

     Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner.

    Args:
        user_id (int | None | Unset): The runner asking, if known: the shoes shown are recorded
            for online evaluation (the answer is the same without it). When API_KEY is set it is
            recorded only with a valid client key, and ignored without one
        body (None | RoadQuestionnaire | Unset): The answers; every field optional, an empty body
            or {} is allowed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentResponse | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
user_id=user_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: None | RoadQuestionnaire | Unset = UNSET,
    user_id: int | None | Unset = UNSET,

) -> ContentResponse | Problem | None:
    """ Road shoes for a questionnaire

     Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner.

    Args:
        user_id (int | None | Unset): The runner asking, if known: the shoes shown are recorded
            for online evaluation (the answer is the same without it). When API_KEY is set it is
            recorded only with a valid client key, and ignored without one
        body (None | RoadQuestionnaire | Unset): The answers; every field optional, an empty body
            or {} is allowed

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentResponse | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
user_id=user_id,

    )).parsed

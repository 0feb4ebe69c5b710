from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.road_answers import RoadAnswers
from ...models.saved_questionnaire_response import SavedQuestionnaireResponse
from ...models.trail_answers import TrailAnswers
from typing import cast



def _get_kwargs(
    user_id: int,
    *,
    body: RoadAnswers | TrailAnswers,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/users/{user_id}/questionnaire".format(user_id=quote(str(user_id), safe=""),),
    }

    
    if isinstance(body, RoadAnswers):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()


    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SavedQuestionnaireResponse | None:
    if response.status_code == 200:
        response_200 = SavedQuestionnaireResponse.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SavedQuestionnaireResponse]:
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
    body: RoadAnswers | TrailAnswers,

) -> Response[Problem | SavedQuestionnaireResponse]:
    """ Save Questionnaire

     Save (or replace) the runner's questionnaire. A runner with no interactions yet then gets a
    feed seeded from it (reason `your_answers`) instead of 404.

    Args:
        user_id (int): The runner's id
        body (RoadAnswers | TrailAnswers):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SavedQuestionnaireResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: RoadAnswers | TrailAnswers,

) -> Problem | SavedQuestionnaireResponse | None:
    """ Save Questionnaire

     Save (or replace) the runner's questionnaire. A runner with no interactions yet then gets a
    feed seeded from it (reason `your_answers`) instead of 404.

    Args:
        user_id (int): The runner's id
        body (RoadAnswers | TrailAnswers):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SavedQuestionnaireResponse
     """


    return sync_detailed(
        user_id=user_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: RoadAnswers | TrailAnswers,

) -> Response[Problem | SavedQuestionnaireResponse]:
    """ Save Questionnaire

     Save (or replace) the runner's questionnaire. A runner with no interactions yet then gets a
    feed seeded from it (reason `your_answers`) instead of 404.

    Args:
        user_id (int): The runner's id
        body (RoadAnswers | TrailAnswers):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SavedQuestionnaireResponse]
     """


    kwargs = _get_kwargs(
        user_id=user_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: RoadAnswers | TrailAnswers,

) -> Problem | SavedQuestionnaireResponse | None:
    """ Save Questionnaire

     Save (or replace) the runner's questionnaire. A runner with no interactions yet then gets a
    feed seeded from it (reason `your_answers`) instead of 404.

    Args:
        user_id (int): The runner's id
        body (RoadAnswers | TrailAnswers):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SavedQuestionnaireResponse
     """


    return (await asyncio_detailed(
        user_id=user_id,
client=client,
body=body,

    )).parsed

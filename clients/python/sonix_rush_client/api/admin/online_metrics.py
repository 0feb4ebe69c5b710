from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.online_metrics_response import OnlineMetricsResponse
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    history: int | Unset = 20,
    fresh: bool | Unset = False,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["history"] = history

    params["fresh"] = fresh


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/admin/online-metrics",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OnlineMetricsResponse | Problem | None:
    if response.status_code == 200:
        response_200 = OnlineMetricsResponse.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[OnlineMetricsResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    history: int | Unset = 20,
    fresh: bool | Unset = False,

) -> Response[OnlineMetricsResponse | Problem]:
    """ Online metrics per arm and model version

     What runners did with what they were shown, per A/B arm and per model version, each metric with
    a 95 % interval, and which arm leads (never before EXPERIMENT_MIN_RUNNERS per arm). The CT process
    computes a report every ONLINE_METRICS_EVERY_S; `fresh=true` computes one now.

    Args:
        history (int | Unset): older reports to include (for a chart) Default: 20.
        fresh (bool | Unset): compute a report now (and store it) instead of reading the CT
            process's newest Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OnlineMetricsResponse | Problem]
     """


    kwargs = _get_kwargs(
        history=history,
fresh=fresh,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    history: int | Unset = 20,
    fresh: bool | Unset = False,

) -> OnlineMetricsResponse | Problem | None:
    """ Online metrics per arm and model version

     What runners did with what they were shown, per A/B arm and per model version, each metric with
    a 95 % interval, and which arm leads (never before EXPERIMENT_MIN_RUNNERS per arm). The CT process
    computes a report every ONLINE_METRICS_EVERY_S; `fresh=true` computes one now.

    Args:
        history (int | Unset): older reports to include (for a chart) Default: 20.
        fresh (bool | Unset): compute a report now (and store it) instead of reading the CT
            process's newest Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OnlineMetricsResponse | Problem
     """


    return sync_detailed(
        client=client,
history=history,
fresh=fresh,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    history: int | Unset = 20,
    fresh: bool | Unset = False,

) -> Response[OnlineMetricsResponse | Problem]:
    """ Online metrics per arm and model version

     What runners did with what they were shown, per A/B arm and per model version, each metric with
    a 95 % interval, and which arm leads (never before EXPERIMENT_MIN_RUNNERS per arm). The CT process
    computes a report every ONLINE_METRICS_EVERY_S; `fresh=true` computes one now.

    Args:
        history (int | Unset): older reports to include (for a chart) Default: 20.
        fresh (bool | Unset): compute a report now (and store it) instead of reading the CT
            process's newest Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OnlineMetricsResponse | Problem]
     """


    kwargs = _get_kwargs(
        history=history,
fresh=fresh,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    history: int | Unset = 20,
    fresh: bool | Unset = False,

) -> OnlineMetricsResponse | Problem | None:
    """ Online metrics per arm and model version

     What runners did with what they were shown, per A/B arm and per model version, each metric with
    a 95 % interval, and which arm leads (never before EXPERIMENT_MIN_RUNNERS per arm). The CT process
    computes a report every ONLINE_METRICS_EVERY_S; `fresh=true` computes one now.

    Args:
        history (int | Unset): older reports to include (for a chart) Default: 20.
        fresh (bool | Unset): compute a report now (and store it) instead of reading the CT
            process's newest Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OnlineMetricsResponse | Problem
     """


    return (await asyncio_detailed(
        client=client,
history=history,
fresh=fresh,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_report_unversioned_shoe_type import AdminReportUnversionedShoeType
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    shoe_type: AdminReportUnversionedShoeType,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/report/{shoe_type}".format(shoe_type=quote(str(shoe_type), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | None:
    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    shoe_type: AdminReportUnversionedShoeType,
    *,
    client: AuthenticatedClient,

) -> Response[Problem]:
    """ The serving content model's training report (PNG)

    Args:
        shoe_type (AdminReportUnversionedShoeType):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
     """


    kwargs = _get_kwargs(
        shoe_type=shoe_type,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    shoe_type: AdminReportUnversionedShoeType,
    *,
    client: AuthenticatedClient,

) -> Problem | None:
    """ The serving content model's training report (PNG)

    Args:
        shoe_type (AdminReportUnversionedShoeType):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
     """


    return sync_detailed(
        shoe_type=shoe_type,
client=client,

    ).parsed

async def asyncio_detailed(
    shoe_type: AdminReportUnversionedShoeType,
    *,
    client: AuthenticatedClient,

) -> Response[Problem]:
    """ The serving content model's training report (PNG)

    Args:
        shoe_type (AdminReportUnversionedShoeType):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
     """


    kwargs = _get_kwargs(
        shoe_type=shoe_type,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    shoe_type: AdminReportUnversionedShoeType,
    *,
    client: AuthenticatedClient,

) -> Problem | None:
    """ The serving content model's training report (PNG)

    Args:
        shoe_type (AdminReportUnversionedShoeType):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
     """


    return (await asyncio_detailed(
        shoe_type=shoe_type,
client=client,

    )).parsed

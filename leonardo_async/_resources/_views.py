"""The raw views of the resources: ``client.with_raw_response.<resource>``."""

from __future__ import annotations

from ._datasets import Datasets
from ._elements import Elements
from ._generations import Generations
from ._models import Models
from ._pricing import Pricing
from ._raw import raw
from ._users import Users


class RawModels:
    """``client.with_raw_response.models``: each operation gives a ``RawResponse``."""

    def __init__(self, models: Models) -> None:
        self.list_platform = raw(models.list_platform)
        self.train = raw(models.train)
        self.get = raw(models.get)
        self.delete = raw(models.delete)
        self.list_for_user = raw(models.list_for_user)
        self.list_mine = raw(models.list_mine)


class RawUsers:
    """``client.with_raw_response.users``: each operation gives a ``RawResponse``."""

    def __init__(self, users: Users) -> None:
        self.me = raw(users.me)


class RawDatasets:
    """``client.with_raw_response.datasets``: each operation gives a ``RawResponse``."""

    def __init__(self, datasets: Datasets) -> None:
        self.create = raw(datasets.create)
        self.get = raw(datasets.get)
        self.delete = raw(datasets.delete)
        self.upload_image = raw(datasets.upload_image)
        self.upload_generated_image = raw(datasets.upload_generated_image)


class RawElements:
    """``client.with_raw_response.elements``: each operation gives a ``RawResponse``."""

    def __init__(self, elements: Elements) -> None:
        self.list_platform = raw(elements.list_platform)
        self.train = raw(elements.train)
        self.get = raw(elements.get)
        self.delete = raw(elements.delete)
        self.list_for_user = raw(elements.list_for_user)
        self.list_mine = raw(elements.list_mine)


class RawGenerations:
    """``client.with_raw_response.generations``: each call gives a ``RawResponse``."""

    def __init__(self, generations: Generations) -> None:
        self.create = raw(generations.create)
        self.get = raw(generations.get)
        self.delete = raw(generations.delete)
        self.list_for_user = raw(generations.list_for_user)


class RawPricing:
    """``client.with_raw_response.pricing``: each call gives a ``RawResponse``."""

    def __init__(self, pricing: Pricing) -> None:
        self.training_cost = raw(pricing.training_cost)
        self.generation_cost = raw(pricing.generation_cost)

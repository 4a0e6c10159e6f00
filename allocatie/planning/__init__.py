"""Flexible capacity planning under inflow scenarios (op- en afschalen).

A two-stage stochastic MIP over regions and half-years: how many flex modules
to order, close or relocate, where and when, so that persons do not wait for
years and money is not spent on empty units. See `allocatie.planning.model`.
"""

"""The result side: the `AllocationResult`, its independent `verify`, explanations and shifts.

`result` decodes nothing itself beyond the model's decoder; `verify` re-checks a
solution against the instance without using the model; `explain` and
`verschuiving` say why a household is placed where it is and what moved against a
previous outcome.
"""

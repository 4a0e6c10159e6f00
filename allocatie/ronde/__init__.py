"""What a round is: the `Instance` data types, the model presets and the taakstelling rules.

The input side (`allocatie.invoer`) reads and checks files into these types;
the model (`allocatie.model`) builds the optimisation model from them.
"""

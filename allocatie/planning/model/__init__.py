"""The stochastic programme of a flex capacity plan: the model (`bouw`), solving it whole or
by Benders decomposition (`oplossen`, `benders`), the outcome (`uitkomst`) and its
independent re-check (`controle`)."""

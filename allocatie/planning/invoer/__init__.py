"""Input of a flex capacity plan: ``plan.toml`` (`config`, `planconfig`), the sensitivity
variants (`varianten`), the scenario generator (`scenarios`) and the scenario CSV
(`scenariobestand`)."""

"""Output of a flex capacity plan: the comparison of policies and variants (`vergelijking`),
its tables (`tabellen`), charts (`waaier`), HTML report (`rapport`), workbook (`werkboek`)
and the output folder (`schrijf`)."""

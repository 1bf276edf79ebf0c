# The three provisions of 慈经信建〔2019〕13号 一(三), hand-encoded in Rego for benchmarks/run.py.
#
# Input: one parcel's facts as the landrules rule pack sees them (stated facts and the derived
# quantities), flat by dotted name. An absent key is an unknown fact; the string "__ambiguous__"
# is a value the text allows several readings of. Each condition is three-valued like landrules:
# "true", "false", "missing" or "ambig". The output holds, per provision, its outcome and the
# result of every condition and review, i.e. what the verdict JSON carries per condition.
package cixi

import rego.v1

eq(f, v) := "missing" if not f in object.keys(input)

else := "ambig" if input[f] == "__ambiguous__"

else := "true" if input[f] == v

else := "false"

gt(f, lim) := "missing" if not f in object.keys(input)

else := "ambig" if input[f] == "__ambiguous__"

else := "true" if input[f] > lim

else := "false"

le(f, lim) := "missing" if not f in object.keys(input)

else := "ambig" if input[f] == "__ambiguous__"

else := "true" if input[f] <= lim

else := "false"

gt_fact(f, g) := "missing" if not f in object.keys(input)

else := "missing" if not g in object.keys(input)

else := "ambig" if input[f] == "__ambiguous__"

else := "ambig" if input[g] == "__ambiguous__"

else := "true" if input[f] > input[g]

else := "false"

includes_any(f, values) := "missing" if not f in object.keys(input)

else := "true" if {
	some v in input[f]
	v in values
}

else := "false"

all_of(rs) := "false" if "false" in rs

else := "missing" if "missing" in rs

else := "ambig" if "ambig" in rs

else := "true"

# 慈政发〔2015〕40号 is known only to the year: a date in 2015 leaves "in force" uncertain.
in_force := "true" if not "application_year" in object.keys(input)

else := "false" if input.application_year < 2015

else := "ambig" if input.application_year == 2015

else := "true"

outcome(root, reviews, covered) := "does_not_apply" if root == "false"

else := "does_not_apply" if in_force == "false"

else := "undetermined" if root == "missing"

else := "needs_review" if root == "ambig"

else := "needs_review" if {
	some r in reviews
	r in {"true", "ambig"}
}

else := "needs_review" if covered == "__ambiguous__"

else := "needs_review" if in_force == "ambig"

else := "applies"

works := {
	"expand_production_buildings", "new_multistorey_factory",
	"extend_multistorey_factory", "rebuild_multistorey_factory",
}

p1_conditions := {
	"P1.land-is-existing": eq("parcel.land_supply", "existing"),
	"P1.currently-industrial": eq("current_use_class", "industrial"),
	"P1.land-use-unchanged": eq("proposed_use_class", "industrial"),
	"P1.planning-compliant": eq("approvals.urban_rural_planning", "given"),
	"P1.environmental-compliant": eq("approvals.environmental", "given"),
	"P1.technical-renovation": eq("project.kind", "technical_renovation"),
	"P1.qualifying-works": includes_any("project.works", works),
	"P1.plot-ratio-raised": gt_fact("plot_ratio_after", "plot_ratio_before"),
}

p1_reviews := {
	"P1.review.non-production-area": gt("non_production_floor_area_added_m2", 0),
	"P1.review.no-production-area-added": le("production_floor_area_added_m2", 0),
	"P1.review.allocated-land": eq("parcel.land_tenure", "allocated"),
	"P1.review.planned-use-changed": eq("planned_use_class", "non_industrial"),
	"P1.review.industrial-subclass-change": eq("industrial_subclass_changed", "true"),
}

p2_conditions := {
	"P2.land-is-new": eq("parcel.land_supply", "newly_supplied"),
	"P2.supplied-as-industrial": eq("current_use_class", "industrial"),
	"P2.factory-area-approved": eq("approvals.factory_floor_area", "given"),
	"P2.above-indicator": gt("factory_floor_area_above_indicator_m2", 0),
}

p2_reviews := {"P2.review.allocated-land": eq("parcel.land_tenure", "allocated")}

p3_conditions := {
	"P3.industrial-parcel": eq("current_use_class", "industrial"),
	"P3.planned-use-changed": eq("planned_use_class", "non_industrial"),
	"P3.not-in-near-term-plan": eq("near_term_plan.redevelopment_scheduled", "false"),
	"P3.complies-with-relevant-rules": eq("approvals.relevant_rules", "given"),
	"P3.stays-industrial": eq("proposed_use_class", "industrial"),
}

p3_reviews := {"P3.review.industrial-subclass-change": eq("industrial_subclass_changed", "true")}

covered_p1 := object.get(input, "production_floor_area_added_m2", null)

verdict := {
	"P1": {
		"outcome": outcome(all_of([r | some r in p1_conditions]), [r | some r in p1_reviews], covered_p1),
		"conditions": p1_conditions,
		"reviews": p1_reviews,
	},
	"P2": {
		"outcome": outcome(all_of([r | some r in p2_conditions]), [r | some r in p2_reviews], null),
		"conditions": p2_conditions,
		"reviews": p2_reviews,
	},
	"P3": {
		"outcome": outcome(all_of([r | some r in p3_conditions]), [r | some r in p3_reviews], null),
		"conditions": p3_conditions,
		"reviews": p3_reviews,
	},
}

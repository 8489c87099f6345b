"""Every write of the PAR INDEX workflow, one module per activity (import from the module
itself; this package re-exports nothing):

- `frameworks`: importing and re-importing a framework (bộ tiêu chí);
- `rounds`: a round of assessment — the agencies assessed, opening assessments, deadlines,
  computed criteria from the indicators, appraiser assignments (phân công thẩm định);
- `self_assessment`: the agency's self-scores, evidence files and submission;
- `appraisal`: the appraiser's scores, returning a criterion for an explanation and the
  agency's answer, completing the appraisal;
- `results`: survey points, bonus and penalty, computing the results and ranking;
- `publication`: finalising, reopening and publishing results;
- `checks`: the states and checks the activities share.

Every service is keyword-only, `actor` first; each checks the actor's role and the
assessment's state, runs in one transaction and leaves history rows (django-simple-history)
with the actor and a Vietnamese reason.

Who may do what (docs/parindex.md has the state diagram):
- reform office (Văn phòng CCHC, Sở Nội vụ): frameworks, opening assessments, deadlines,
  appraiser assignments, survey points, bonus/penalty, finalising, reopening (with a reason),
  computing and publishing results;
- agency officer of THE assessed agency: self-scores, explanations, "not applicable",
  evidence, submitting — while the assessment is a draft and the deadline has not passed;
  once returned, the returned criteria only, answered through `appraisal.agency_explain` (an
  explanation, a corrected self-score) and their evidence — never "not applicable";
- appraiser assigned to the agency for the framework (never its own agency): appraised
  scores, asking for explanations, completing the appraisal.
Nothing changes after finalisation except through `publication.assessment_reopen`.

Concurrency: every write to a CriterionScore raises its `version`. Writers that show a form
pass the version they read; if the row changed meanwhile, the write is refused with a message
saying who changed it and when, and nothing is written (a compare-and-set on the version, so
it holds on every database).

Sheets: `self_assessment.self_scores_save` and `appraisal.appraisals_save` take many criteria
of one assessment at once and apply, criterion by criterion, the very checks of `score_save`
and `appraisal_save`; all or nothing, with the same versions and history rows, in a few
statements."""

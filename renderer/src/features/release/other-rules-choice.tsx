export type OtherRulesChoice = 'disable' | 'retarget' | 'keep';

/**
 * What becomes of the content rules that send requests to other versions when all traffic moves to
 * one version: disabled (kept in the route), sent to that version too, or kept. One radio group for
 * "Switch all traffic", "Roll back to" and the wizard's Promote.
 */
export function OtherRulesChoiceField({
  name,
  legend,
  version,
  value,
  canDisable = true,
  onChange,
}: {
  /** The radio group's name, unique on the page. */
  name: string;
  legend: string;
  version: string;
  value: OtherRulesChoice;
  /** HTTPRoutes have no place to keep disabled rules. */
  canDisable?: boolean;
  onChange: (choice: OtherRulesChoice) => void;
}) {
  const options: Array<{ choice: OtherRulesChoice; label: string }> = [
    ...(canDisable
      ? [{ choice: 'disable' as const, label: 'Disable them (kept in the route, can be re-enabled)' }]
      : []),
    { choice: 'retarget', label: `Send their requests to ${version} too` },
    { choice: 'keep', label: 'Keep them as they are' },
  ];
  return (
    <fieldset className="finalize-mode">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.choice}>
          <input type="radio" name={name} checked={value === o.choice} onChange={() => onChange(o.choice)} />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** Says plainly that what is edited below is a draft, not the cluster. */
export function DraftModeBanner({
  name,
  host,
  contextName,
}: {
  name: string;
  host: string;
  contextName: string;
}) {
  return (
    <div role="note" aria-label="Draft mode" className="banner draft-banner">
      <strong>
        Draft “{name}” of {host} for {contextName}
      </strong>{' '}
      — kept on this laptop, not applied until you apply it.
    </div>
  );
}

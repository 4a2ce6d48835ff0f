/**
 * JSON text from the API, folded until asked for: `summary` opens it, pretty-printed. Text that is
 * not JSON is shown as it came.
 */
export function JsonDetails({ summary, json }: { summary: string; json: string }) {
  return (
    <details className="json-details">
      <summary>{summary}</summary>
      <pre>{prettyJson(json)}</pre>
    </details>
  );
}

function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

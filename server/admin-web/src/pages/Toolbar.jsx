import { useState } from "preact/hooks";
import { RefreshCw, Search } from "lucide-preact";
import { Button } from "../ui.jsx";
import { AppPicker } from "./AppPicker.jsx";

/** App picker, a search box and a refresh button, as the list pages use them. */
export function Toolbar({ apps, app, allowAll, onApp, query, placeholder, onSearch, onRefresh, searchTestId }) {
  const [q, setQ] = useState(query ?? "");
  return (
    <div class="toolbar">
      <AppPicker apps={apps} value={app} allowAll={allowAll} onChange={onApp} />
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(q);
        }}
      >
        <Search size={15} />
        <input placeholder={placeholder} value={q} onInput={(e) => setQ(e.currentTarget.value)} data-testid={searchTestId} />
      </form>
      <Button icon={RefreshCw} onClick={onRefresh}>
        Refresh
      </Button>
    </div>
  );
}

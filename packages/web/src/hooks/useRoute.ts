import { useEffect, useState } from "react";

/** The dashboard's pages, addressed by the URL's hash so that a static site needs no rewrites. */
export type Route = "jobs" | "documents" | "ask" | "finops";

export const routeHref: Record<Route, string> = { jobs: "#/", documents: "#/documents", ask: "#/ask", finops: "#/finops" };

export function routeOf(hash: string): Route {
  const name = /^#\/?(documents|ask|finops)\/?$/.exec(hash)?.[1];
  return (name as Route | undefined) ?? "jobs";
}

/** The page the URL names, following back/forward and link clicks. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

import { useEffect, useState } from "react";

/** The dashboard's pages, addressed by the URL's hash so that a static site needs no rewrites. */
export type Route = "jobs" | "documents";

export const routeHref: Record<Route, string> = { jobs: "#/", documents: "#/documents" };

export function routeOf(hash: string): Route {
  return /^#\/?documents\/?$/.test(hash) ? "documents" : "jobs";
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

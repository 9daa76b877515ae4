import { PutVectorsCommand, QueryVectorsCommand, ValidationException, type PutInputVector } from "@aws-sdk/client-s3vectors";
import { beforeAll, describe, expect, it } from "vitest";
import { Harness, indexFixture, rejection, type IndexFixture } from "./test-support";

/**
 * Metadata filters through the real SDK client: each operator, list metadata,
 * logical combinations, filtering before topK, and every rejected form.
 */

const harness = new Harness();
let fixture: IndexFixture;

const movies: Array<{ key: string; metadata: Record<string, unknown> }> = [
  { key: "alien", metadata: { genre: "horror", year: 1979, tags: ["space", "classic"], color: true, text: "in space no one can hear you scream" } },
  { key: "blade-runner", metadata: { genre: "scifi", year: 1982, tags: ["noir", "classic"], color: true } },
  { key: "casablanca", metadata: { genre: "drama", year: 1942, tags: ["classic", "war"], color: false } },
  { key: "dune", metadata: { genre: "scifi", year: 2021, tags: ["space"], color: true } },
  { key: "eraserhead", metadata: { genre: "horror", year: 1977, color: false } },
  { key: "fargo", metadata: { genre: "crime", year: 1996, tags: [] } },
  { key: "gravity", metadata: { genre: ["scifi", "drama"], year: 2013, tags: ["space"], color: true } },
];

beforeAll(async () => {
  fixture = await indexFixture(harness, { dimension: 2, nonFilterable: ["text"] });
  // Each movie sits at its own angle, so distance order from [1, 0] is alphabetical.
  const vectors: PutInputVector[] = movies.map((m, i) => ({
    key: m.key,
    data: { float32: [Math.cos(i * 0.2), Math.sin(i * 0.2)] },
    metadata: m.metadata as PutInputVector["metadata"],
  }));
  await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors }));
  return () => harness.dispose();
});

async function matching(filter: unknown, topK = 100): Promise<string[]> {
  const { vectors } = await fixture.client.send(
    new QueryVectorsCommand({ ...fixture.at, topK, queryVector: { float32: [1, 0] }, filter: filter as never }),
  );
  return vectors!.map((v) => v.key!);
}

describe("filter operators", () => {
  it.each<[string, unknown, string[]]>([
    ["an implicit equality", { genre: "horror" }, ["alien", "eraserhead"]],
    ["$eq on a string", { genre: { $eq: "drama" } }, ["casablanca", "gravity"]],
    ["$eq on a number", { year: { $eq: 1982 } }, ["blade-runner"]],
    ["$eq on a boolean", { color: { $eq: false } }, ["casablanca", "eraserhead"]],
    ["$eq against list metadata (any element)", { tags: { $eq: "space" } }, ["alien", "dune", "gravity"]],
    ["an implicit equality against list metadata", { tags: "war" }, ["casablanca"]],
    ["$ne, which also matches a missing key", { color: { $ne: true } }, ["casablanca", "eraserhead", "fargo"]],
    ["$ne against list metadata (no element equal)", { tags: { $ne: "classic" } }, ["dune", "eraserhead", "fargo", "gravity"]],
    ["$gt", { year: { $gt: 1996 } }, ["dune", "gravity"]],
    ["$gte", { year: { $gte: 1996 } }, ["dune", "fargo", "gravity"]],
    ["$lt", { year: { $lt: 1977 } }, ["casablanca"]],
    ["$lte", { year: { $lte: 1977 } }, ["casablanca", "eraserhead"]],
    ["a range on one key", { year: { $gte: 1977, $lt: 1990 } }, ["alien", "blade-runner", "eraserhead"]],
    ["$in", { genre: { $in: ["crime", "drama"] } }, ["casablanca", "fargo", "gravity"]],
    ["$in against list metadata", { tags: { $in: ["noir", "war"] } }, ["blade-runner", "casablanca"]],
    ["$in with mixed types", { year: { $in: [1942, "1979"] } }, ["casablanca"]],
    ["$nin, which also matches a missing key", { tags: { $nin: ["space", "classic"] } }, ["eraserhead", "fargo"]],
    ["$exists true", { color: { $exists: true } }, ["alien", "blade-runner", "casablanca", "dune", "eraserhead", "gravity"]],
    ["$exists false", { tags: { $exists: false } }, ["eraserhead"]],
    ["several keys (all must hold)", { genre: "scifi", color: true, year: { $lt: 2000 } }, ["blade-runner"]],
    ["$and", { $and: [{ genre: "horror" }, { year: { $gt: 1978 } }] }, ["alien"]],
    ["$or", { $or: [{ genre: "crime" }, { year: { $lt: 1950 } }] }, ["casablanca", "fargo"]],
    [
      "nested $and/$or",
      { $or: [{ $and: [{ genre: "scifi" }, { tags: "classic" }] }, { $and: [{ genre: "horror" }, { color: false }] }] },
      ["blade-runner", "eraserhead"],
    ],
    ["a comparison across types (never an error, just false)", { genre: { $gt: 3 } }, []],
    ["a key no vector has", { director: "scott" }, []],
  ])("%s", async (_, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });

  it("filters before taking topK, so the nearest matches are returned", async () => {
    expect(await matching({ tags: "space" }, 2)).toEqual(["alien", "dune"]);
    expect(await matching({ genre: "scifi" }, 1)).toEqual(["blade-runner"]);
  });

  it("returns all metadata, non-filterable keys included", async () => {
    const { vectors } = await fixture.client.send(
      new QueryVectorsCommand({ ...fixture.at, topK: 1, queryVector: { float32: [1, 0] }, filter: { genre: "horror" }, returnMetadata: true }),
    );
    expect(vectors![0]!.metadata).toEqual(movies[0]!.metadata);
  });
});

describe("rejected filters", () => {
  it.each<[string, unknown, RegExp]>([
    ["a non-filterable key", { text: "space" }, /filter\.text: metadata key "text" is declared non-filterable on this index/],
    ["a non-filterable key inside $or", { $or: [{ genre: "scifi" }, { text: { $exists: true } }] }, /filter\.\$or\[1\]\.text: metadata key "text" is declared non-filterable/],
    ["an unknown field operator", { year: { $between: [1, 2] } }, /filter\.year\.\$between: unknown operator "\$between"; supported operators are \$and \$or \$eq/],
    ["a misspelt operator", { year: { gt: 1990 } }, /filter\.year\.gt: unknown operator "gt"/],
    ["an unknown top-level operator", { $not: { genre: "drama" } }, /filter\.\$not: \$not is not a supported operator here/],
    ["a field operator at the top level", { $eq: "drama" }, /filter\.\$eq: \$eq is not a supported operator here/],
    ["$gt with a string", { year: { $gt: "1990" } }, /filter\.year\.\$gt: \$gt expects a number, got "1990"/],
    ["$eq with an object", { genre: { $eq: { a: 1 } } }, /\$eq expects a string, number or boolean/],
    ["$in with an empty list", { genre: { $in: [] } }, /filter\.genre\.\$in: \$in expects a non-empty array of strings, numbers or booleans, got \[\]/],
    ["$nin with a scalar", { genre: { $nin: "drama" } }, /\$nin expects a non-empty array/],
    ["$exists with a string", { genre: { $exists: "yes" } }, /\$exists expects a boolean, got "yes"/],
    ["$and with an object", { $and: { genre: "drama" } }, /filter\.\$and: must be a non-empty array of filters/],
    ["an empty $or", { $or: [] }, /filter\.\$or: must be a non-empty array of filters, got \[\]/],
    ["a list as a condition", { genre: ["drama", "crime"] }, /filter\.genre: a list is not a condition; to match any of several values use \{"\$in": \[\.\.\.\]\}/],
    ["null as a condition", { genre: null }, /filter\.genre: must be a string, number, boolean or an operator object, got null/],
    ["an empty operator object", { genre: {} }, /filter\.genre: has no operator/],
    ["a list as the filter", [{ genre: "drama" }], /filter: must be an object/],
    ["a string as the filter", "genre = drama", /filter: must be an object/],
  ])("rejects %s", async (_, filter, message) => {
    const error = await rejection(matching(filter));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/^Invalid filter: /);
    expect(error.message).toMatch(message);
  });
});

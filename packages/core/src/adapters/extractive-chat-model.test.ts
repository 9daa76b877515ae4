import { describe, expect, it } from "vitest";
import { chunkPage, cleanPageText, openPdf } from "../documents";
import { NonRetryableJobError } from "../errors";
import type { ChatRequest, ChatTurn, GroundingSource } from "../ports";
import { runChatModelContract } from "../testing/chat-model-contract";
import { HAS_PDFS, NO_PDFS_MESSAGE, readPdf } from "../testing/pdf-fixtures";
import { EXTRACTIVE_PREAMBLE, ExtractiveChatModel, NO_MATCH_ANSWER, NO_SOURCES_ANSWER } from "./extractive-chat-model";

runChatModelContract("extractive (offline)", () => ({ model: new ExtractiveChatModel() }));

const model = new ExtractiveChatModel();

function ask(question: string | ChatTurn[], sources?: GroundingSource[], extra: Partial<ChatRequest> = {}) {
  const messages = typeof question === "string" ? [{ role: "user" as const, text: question }] : question;
  return model.stream({ system: "Answer from the sources.", messages, sources, ...extra });
}

/** The `[n]` markers of an answer, in order. */
function citations(text: string): number[] {
  return Array.from(text.matchAll(/\[(\d+)\]/g), (m) => Number(m[1]));
}

/** The quoted lines of an answer, without their bullet. */
function quoted(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("- "))
    .map((l) => l.slice(2));
}

/** Computed facts as the FinOps job words them (some carrying their own number, as a fact list may). */
const FACTS: GroundingSource[] = [
  { n: 1, text: "Total billed cost from 2024-08-01 to 2024-09-30 was $2,890.40, across 2 billing periods.", label: "totals" },
  { n: 2, text: "The bill went from $1,200.20 in 2024-08 to $1,690.20 in 2024-09, a change of $490.00 (+41%).", label: "month over month" },
  { n: 3, text: "[3] EC2 cost grew 41% month over month, from $1,020.00 to $1,438.20.", label: "month-over-month movers by service" },
  { n: 4, text: "[4] S3 cost fell 3.2% month over month, from $310.00 to $300.08.", label: "month-over-month movers by service" },
  { n: 5, text: "The largest service is Amazon Elastic Compute Cloud (AmazonEC2), with $1,438.20 billed (62% of the total).", label: "spend by service" },
  { n: 6, text: "On 2024-09-14 (a Saturday), AmazonEC2 usage cost $95.10 against a usual $41.00 (+$54.10, robust z = 6.2).", label: "daily anomalies" },
  { n: 7, text: "The forecast for 2024-10 is $1,750.00 billed, with a 90% band from $1,600.00 to $1,900.00.", label: "forecast" },
  { n: 8, text: "Commitment discounts: 1 found, utilization 78%, coverage of eligible usage 22%.", label: "commitment discounts" },
];

describe("ExtractiveChatModel", () => {
  it("answers a FinOps question with the growth facts, numbers and currency intact, each cited", async () => {
    const { text } = await ask("Why did our bill grow last month?", FACTS);
    expect(text.split("\n")[0]).toBe(EXTRACTIVE_PREAMBLE);
    const lines = quoted(text);
    expect(lines).toContain("EC2 cost grew 41% month over month, from $1,020.00 to $1,438.20. [3]");
    expect(lines).toContain("The bill went from $1,200.20 in 2024-08 to $1,690.20 in 2024-09, a change of $490.00 (+41%). [2]");
    expect(citations(text).slice(0, 2).sort()).toEqual([2, 3]);
    // The shrinking S3 cost is no reason for growth.
    expect(citations(text)).not.toContain(4);
  });

  it("quotes the shrinking cost, not the growing ones, when asked what went down", async () => {
    const { text } = await ask("Which service spend decreased?", FACTS);
    expect(quoted(text)[0]).toBe("S3 cost fell 3.2% month over month, from $310.00 to $300.08. [4]");
    expect(citations(text)).not.toContain(3);
  });

  it("answers the other usual FinOps questions with the fact that holds the answer first", async () => {
    const cases: Array<[string, number]> = [
      ["What are our top cost drivers?", 5],
      ["Which day had unusual spending?", 6],
      ["What is the forecast for next month?", 7],
      ["How much of our usage do commitments cover?", 8],
    ];
    for (const [question, n] of cases) {
      const { text } = await ask(question, FACTS);
      expect(citations(text)[0], question).toBe(n);
    }
  });

  it("says plainly that the sources hold no answer, and cites nothing, for an unrelated question", async () => {
    const { text } = await ask("Who won the 1998 football world cup?", FACTS);
    expect(text).toBe(NO_MATCH_ANSWER);
    expect(text).toMatch(/sources do not contain an answer/);
    expect(citations(text)).toEqual([]);
  });

  it("says the same when no sources are given at all", async () => {
    for (const sources of [undefined, []]) {
      const { text } = await ask("Why did our bill grow last month?", sources);
      expect(text).toBe(NO_SOURCES_ANSWER);
      expect(citations(text)).toEqual([]);
    }
  });

  it("finds the earlier topic for a follow-up that names none of its own", async () => {
    const sources: GroundingSource[] = [
      { n: 4, text: "We have measured speedups of 10x and more for certain benchmark programs.", label: "tracemonkey.pdf p. 1" },
      { n: 9, text: "The Moon got trapped and buried in the bog, and the people feared the dark.", label: "pdkids.pdf p. 1" },
    ];
    const { text } = await ask(
      [
        { role: "user", text: "What speedups were measured?" },
        { role: "assistant", text: "Speedups of 10x and more [4]." },
        { role: "user", text: "And on which page is that?" },
      ],
      sources,
    );
    expect(quoted(text)).toEqual(["We have measured speedups of 10x and more for certain benchmark programs. [4]"]);
  });

  it("lets the new question outweigh the earlier ones", async () => {
    const sources: GroundingSource[] = [
      { n: 1, text: "We have measured speedups of 10x and more for certain benchmark programs." },
      { n: 2, text: "The Moon got trapped and buried in the bog, and the people feared the dark." },
    ];
    const { text } = await ask(
      [
        { role: "user", text: "What speedups were measured?" },
        { role: "assistant", text: "Speedups of 10x [1]." },
        { role: "user", text: "What got buried in the bog?" },
      ],
      sources,
    );
    expect(quoted(text)[0]).toBe("The Moon got trapped and buried in the bog, and the people feared the dark. [2]");
  });

  it("keeps sentences whole across abbreviations, initials and decimals", async () => {
    const sources: GroundingSource[] = [
      {
        n: 7,
        text: "Dr. J. R. Smith measured 3.5 GB of traces, e.g. on the SunSpider suite, at 2.2 GHz. The interpreter was slower. Unrelated words follow here.",
      },
    ];
    const { text } = await ask("How many GB of traces did Smith measure?", sources);
    expect(quoted(text)[0]).toBe("Dr. J. R. Smith measured 3.5 GB of traces, e.g. on the SunSpider suite, at 2.2 GHz. [7]");
  });

  it("quotes a bounded window of text that has no punctuation, not the whole run", async () => {
    const filler = Array.from({ length: 120 }, (_, i) => `filler${i}`).join(" ");
    const sources: GroundingSource[] = [{ n: 1, text: `${filler} the bog swallowed the lantern ${filler}` }];
    const { text } = await ask("What did the bog swallow?", sources);
    const [line] = quoted(text);
    expect(line).toContain("the bog swallowed the lantern");
    expect(line!.split(" ").length).toBeLessThanOrEqual(41 + 1);
  });

  it("follows a short best sentence (a heading, a lead-in) with the sentence after it, cited alike", async () => {
    const sources: GroundingSource[] = [
      { n: 1, text: "Listings are set in a monospaced font. The sample program below greets the reader.\n\nmain() { puts(\"good morning\"); }" },
      { n: 2, text: "Fonts with serifs are easier to read in print than on screens, the printers say." },
    ];
    const { text } = await ask("What does the sample program print?", sources);
    const lines = quoted(text);
    expect(lines[0]).toBe("The sample program below greets the reader. [1]");
    expect(lines[1]).toBe('main() { puts("good morning"); } [1]');
    // A long best sentence stands alone: it is no lead-in.
    const long = await ask("Which fonts are easier to read in print?", sources);
    expect(quoted(long.text)).toEqual(["Fonts with serifs are easier to read in print than on screens, the printers say. [2]"]);
  });

  it("quotes a sentence repeated by overlapping chunks only once", async () => {
    const sentence = "All experiments were performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM.";
    const sources: GroundingSource[] = [
      { n: 1, text: `The benchmarks ran ten times each. ${sentence}` },
      { n: 2, text: `${sentence} Results are shown in Figure 12.` },
    ];
    const { text } = await ask("On what hardware were the experiments performed?", sources);
    expect(quoted(text).filter((l) => l.startsWith("All experiments"))).toHaveLength(1);
  });

  it("drops the document's own reference numbers so every [n] is a source", async () => {
    const sources: GroundingSource[] = [{ n: 3, text: "Trace trees were introduced by earlier work [12, 14] and refined later [7]." }];
    const { text } = await ask("Who introduced trace trees?", sources);
    expect(quoted(text)).toEqual(["Trace trees were introduced by earlier work and refined later. [3]"]);
    expect(citations(text)).toEqual([3]);
  });

  it("streams one word at a time and yields to the event loop between batches", async () => {
    const long: GroundingSource[] = [
      { n: 1, text: "The tracing compiler records hot loops as traces and then compiles each recorded trace into fast native machine code for the processor." },
      { n: 2, text: "Recorded traces let the tracing compiler specialise hot loops on the observed types, which removes most dynamic type checks." },
    ];
    let ticked = false;
    setImmediate(() => (ticked = true));
    const deltas: string[] = [];
    let tickedBeforeLast = false;
    const result = await ask("How does the tracing compiler treat hot loops and traces?", long, {
      onDelta: (d) => {
        deltas.push(d);
        tickedBeforeLast = ticked;
      },
    });
    expect(deltas.join("")).toBe(result.text);
    expect(deltas.every((d) => /^\S+\s*$/.test(d))).toBe(true);
    expect(deltas.length).toBeGreaterThan(20);
    expect(tickedBeforeLast).toBe(true);
  });

  it("counts words as approximate tokens: prompt and sources in, answer out", async () => {
    const sources: GroundingSource[] = [{ n: 1, text: "The Moon got trapped and buried in the bog." }];
    const result = await model.stream({ system: "Answer briefly please.", messages: [{ role: "user", text: "What got buried?" }], sources });
    expect(result.usage).toEqual({ inputTokens: 3 + 3 + 9, outputTokens: result.text.split(/\s+/).length });
    expect(result.stopReason).toBe("end_turn");
    expect(result.model).toBe("offline-extractive-v1");
  });

  it("stops at maxTokens words and says so", async () => {
    const deltas: string[] = [];
    const result = await ask("Why did our bill grow last month?", FACTS, { maxTokens: 5, onDelta: (d) => deltas.push(d) });
    expect(result.stopReason).toBe("max_tokens");
    expect(deltas).toHaveLength(5);
    expect(result.text).toBe(deltas.join(""));
    expect(result.usage.outputTokens).toBe(5);
  });

  it("gives the same answer every time", async () => {
    const a = await ask("What does EC2 cost and what is the forecast?", FACTS);
    const b = await ask("What does EC2 cost and what is the forecast?", FACTS);
    expect(b).toEqual(a);
  });

  it("rejects malformed requests with a clear NonRetryableJobError", async () => {
    const cases: Array<[Partial<ChatRequest>, RegExp]> = [
      [{ messages: [] }, /messages: needs at least one turn/],
      [{ messages: [{ role: "user", text: "Hi" }, { role: "assistant", text: "Hello" }] }, /must end with a non-blank user turn.*assistant turn last/],
      [{ sources: [{ n: 1, text: "a" }, { n: 1, text: "b" }] }, /source numbers must be unique/],
      [{ sources: [{ n: -2, text: "a" }] }, /sources\.0\.n/],
    ];
    for (const [request, message] of cases) {
      const error = await model
        .stream({ system: "", messages: [{ role: "user", text: "Why?" }], ...request })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NonRetryableJobError);
      expect(error).toMatchObject({ code: "invalid_input" });
      expect((error as Error).message).toMatch(message);
    }
  });
});

const describeCorpus = HAS_PDFS ? describe : describe.skip;

describeCorpus(HAS_PDFS ? "ExtractiveChatModel on the shared PDFs" : NO_PDFS_MESSAGE, () => {
  /** The chunks of some pages as numbered sources, the way retrieval would hand them over. */
  async function sourcesFrom(file: string, pages: number[]): Promise<GroundingSource[]> {
    const pdf = await openPdf(readPdf(file));
    try {
      const out: GroundingSource[] = [];
      for (const page of pages) {
        const { text } = await pdf.page(page);
        for (const chunk of chunkPage(cleanPageText(text), { maxChars: 1200 })) out.push({ n: out.length + 1, text: chunk, label: `${file} p. ${page}` });
      }
      return out;
    } finally {
      await pdf.close();
    }
  }

  it("quotes the experiments' hardware from tracemonkey.pdf, citing a page-10 chunk", async () => {
    const sources = await sourcesFrom("tracemonkey.pdf", [1, 10, 11]);
    const { text } = await ask("On what hardware were the experiments run?", sources);
    const [first] = quoted(text);
    expect(first).toContain("All experiments were performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM");
    const n = citations(first!)[0]!;
    expect(sources.find((s) => s.n === n)?.label).toBe("tracemonkey.pdf p. 10");
  });

  it("quotes the sponsoring grants from tracemonkey.pdf", async () => {
    const sources = await sourcesFrom("tracemonkey.pdf", [12, 13]);
    const { text } = await ask("Which NSF grants sponsored the work?", sources);
    expect(quoted(text)[0]).toContain("CNS-0615443 and CNS-0627747");
  });

  it("finds what got buried in the bog in pdkids.pdf, and nothing about Kubernetes", async () => {
    const sources = await sourcesFrom("pdkids.pdf", [1, 2]);
    const bog = await ask('In "The Buried Moon", what got trapped and buried in the bog?', sources);
    expect(quoted(bog.text)[0]).toContain("the Moon got trapped and buried in the bog");
    const unrelated = await ask("How do I configure a Kubernetes ingress controller?", sources);
    expect(unrelated.text).toBe(NO_MATCH_ANSWER);
  });
});

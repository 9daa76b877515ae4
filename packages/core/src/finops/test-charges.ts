import type { ChatModel, ChatRequest, ChatResult } from "../ports/chat-model";
import type { MemoryCharge } from "./memory-cost-source";
import { daysBetween } from "./periods";

/**
 * Test support: a small bill whose every figure is known by construction, and a chat
 * model that records what it was asked.
 *
 * January–March 2024, every day:
 * - "Compute" (provider Acme, account 111 "Prod", us-east-1): 100 a day in January,
 *   110 in February, 150 in March (+10 %, then +36 %);
 * - "Storage" (Acme, account 222 "Dev", eu-west-1): 20 a day, except 2024-02-14 when it costs 220;
 * - "Search" (Acme, account 111, us-east-1): new on 2024-03-01, 5 a day;
 * - one `Tax` charge of 30 on the 1st of each month, one `Credit` of −50 on 2024-03-15.
 */
export function knownBill(): MemoryCharge[] {
  const charges: MemoryCharge[] = [];
  for (const day of daysBetween("2024-01-01", "2024-03-31")) {
    const month = day.slice(0, 7);
    const compute = month === "2024-01" ? 100 : month === "2024-02" ? 110 : 150;
    charges.push({ day, provider: "Acme", service: "Compute", serviceCategory: "Compute", subAccount: "111", subAccountName: "Prod", region: "us-east-1", chargeCategory: "Usage", resource: "vm-1", billedCost: compute, listCost: compute * 1.25 });
    charges.push({ day, provider: "Acme", service: "Storage", serviceCategory: "Storage", subAccount: "222", subAccountName: "Dev", region: "eu-west-1", chargeCategory: "Usage", resource: "disk-1", billedCost: day === "2024-02-14" ? 220 : 20, listCost: 20 });
    if (month === "2024-03") charges.push({ day, provider: "Acme", service: "Search", serviceCategory: "Analytics", subAccount: "111", subAccountName: "Prod", region: "us-east-1", chargeCategory: "Usage", billedCost: 5 });
    if (day.endsWith("-01")) charges.push({ day, provider: "Acme", service: "Tax", serviceCategory: "Other", subAccount: "111", subAccountName: "Prod", region: "", chargeCategory: "Tax", billedCost: 30 });
  }
  charges.push({ day: "2024-03-15", provider: "Acme", service: "Compute", serviceCategory: "Compute", subAccount: "111", subAccountName: "Prod", region: "us-east-1", chargeCategory: "Credit", billedCost: -50, listCost: 0 });
  return charges;
}

/** The known bill's figures, written out by hand from its description. */
export const KNOWN = {
  january: 31 * 100 + 31 * 20 + 30,
  february: 29 * 110 + 28 * 20 + 220 + 30,
  march: 31 * 150 + 31 * 20 + 31 * 5 + 30 - 50,
} as const;

/** A chat model that answers with a fixed text, streamed in two deltas, and keeps every request. */
export class RecordingChatModel implements ChatModel {
  readonly id = "recording-test-model";
  readonly requests: ChatRequest[] = [];
  constructor(
    readonly extractive = false,
    private readonly answer = "Your bill grew because Compute grew [4].",
  ) {}

  async stream(request: ChatRequest): Promise<ChatResult> {
    request.signal?.throwIfAborted();
    this.requests.push(request);
    const half = Math.floor(this.answer.length / 2);
    request.onDelta?.(this.answer.slice(0, half));
    request.onDelta?.(this.answer.slice(half));
    return { text: this.answer, model: this.id, usage: { inputTokens: 1, outputTokens: 1 }, stopReason: "end_turn" };
  }
}

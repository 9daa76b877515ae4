import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { DocumentCatalog, DocumentRecord, UploadRecord } from "../ports";
import { DocumentRecordSchema as Document, UploadRecordSchema as Upload, pageDocuments } from "./document-catalog-records";
import { translatingSend } from "./dynamo-errors";
import { JobsKeys } from "./dynamo-tables";

export interface DynamoDocumentCatalogOptions {
  client: DynamoDBClient;
  /** The Jobs table (`Resource.Jobs.name`); uploads and documents live beside the jobs. */
  tableName: string;
}



const Item = z.object({ data: z.string() });

/**
 * `DocumentCatalog` in the Jobs table: an upload is one item that expires with it;
 * an owner's documents share one partition (`docs#<owner>`), so listing is one query.
 *
 * @remarks Each record is kept as one JSON attribute (`data`): its `owner` and
 * `createdAt` must not become top-level attributes, or the documents would enter the
 * jobs' sparse `byOwner` index.
 */
export class DynamoDocumentCatalog implements DocumentCatalog {
  readonly #send: DynamoDBDocumentClient["send"];
  readonly #table: string;

  constructor(options: DynamoDocumentCatalogOptions) {
    this.#send = translatingSend(DynamoDBDocumentClient.from(options.client));
    this.#table = options.tableName;
  }

  async putUpload(upload: UploadRecord): Promise<void> {
    await this.#send(new PutCommand({ TableName: this.#table, Item: { ...JobsKeys.upload(upload.uploadId), data: JSON.stringify(upload), expiresAt: upload.expiresAt } }));
  }

  async getUpload(uploadId: string): Promise<UploadRecord | undefined> {
    const { Item: item } = await this.#send(new GetCommand({ TableName: this.#table, Key: JobsKeys.upload(uploadId), ConsistentRead: true }));
    if (!item) return undefined;
    const upload = Upload.parse(JSON.parse(Item.parse(item).data));
    return upload.expiresAt * 1000 > Date.now() ? upload : undefined;
  }

  async putDocument(document: DocumentRecord): Promise<void> {
    await this.#send(new PutCommand({ TableName: this.#table, Item: { ...JobsKeys.document(document.owner, document.documentId), data: JSON.stringify(document) } }));
  }

  async getDocument(owner: string, documentId: string): Promise<DocumentRecord | undefined> {
    const { Item: item } = await this.#send(new GetCommand({ TableName: this.#table, Key: JobsKeys.document(owner, documentId), ConsistentRead: true }));
    return item ? Document.parse(JSON.parse(Item.parse(item).data)) : undefined;
  }

  async listDocuments(owner: string, page: { limit: number; cursor?: string }) {
    const all: DocumentRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": JobsKeys.documents(owner).pk },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) all.push(Document.parse(JSON.parse(Item.parse(item).data)));
      start = out.LastEvaluatedKey;
    } while (start);
    return pageDocuments(all, page);
  }

  async deleteDocument(owner: string, documentId: string): Promise<void> {
    await this.#send(new DeleteCommand({ TableName: this.#table, Key: JobsKeys.document(owner, documentId) }));
  }
}

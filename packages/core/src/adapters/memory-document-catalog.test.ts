import { runDocumentCatalogContract } from "../testing/document-catalog-contract";
import { MemoryDocumentCatalog } from "./memory-document-catalog";

runDocumentCatalogContract("memory", () => new MemoryDocumentCatalog());

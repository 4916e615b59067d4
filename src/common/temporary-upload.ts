import { rm } from 'node:fs/promises';
import {
  applyDecorators,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { catchError, concatMap, type Observable } from 'rxjs';

/**
 * Multer writes the file before the request's fields are judged, so every answer after that
 * point, a refusal (unknown site, someone else's account, a failed check) as much as a success,
 * must leave nothing in the upload folder: otherwise each refused request leaves up to the size
 * limit behind and a maker can fill the disk (issue 15). What the route kept, it moved away.
 */
@Injectable()
export class DiscardTemporaryUpload implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const path = context.switchToHttp().getRequest<Request & { file?: { path: string } }>().file?.path;
    if (!path) return next.handle();
    const discard = () => rm(path, { force: true });
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await discard();
        return answer;
      }),
      catchError(async (error: unknown) => {
        await discard();
        throw error;
      }),
    );
  }
}

/** One file in `field`, on disk only for as long as the request lasts. */
export const TemporaryUpload = (field: string) =>
  applyDecorators(UseInterceptors(FileInterceptor(field), DiscardTemporaryUpload));

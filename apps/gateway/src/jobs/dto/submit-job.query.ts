import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumberString, IsOptional, IsString, Matches } from 'class-validator';

/** Query of `POST /jobs`. */
export class SubmitJobQuery {
  @ApiProperty({ description: 'app name of an uploaded bundle', example: 'test' })
  @IsString({ message: 'appName is required' })
  @IsNotEmpty({ message: 'appName is required' })
  appName: string;

  @ApiProperty({ description: 'the job export', example: 'spark.jobserver.WordCountExample' })
  @IsString({ message: 'classPath is required' })
  @IsNotEmpty({ message: 'classPath is required' })
  classPath: string;

  @ApiPropertyOptional({ description: 'named context to run in; absent = a new ad-hoc context' })
  @IsOptional()
  @IsString()
  context?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'wait for the result' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'sync must be true or false' })
  sync?: string;

  @ApiPropertyOptional({ description: 'seconds a sync request waits (default 60)' })
  @IsOptional()
  @IsNumberString({}, { message: 'timeout must be a positive number of seconds' })
  @Matches(/^(?!0+(\.0*)?$)/, { message: 'timeout must be a positive number of seconds' })
  timeout?: string;
}

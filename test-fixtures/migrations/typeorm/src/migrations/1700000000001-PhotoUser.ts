import { MigrationInterface, QueryRunner } from 'typeorm';

export class PhotoUser1700000000001 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "photo" ADD CONSTRAINT "FK_photo_user" FOREIGN KEY ("userId") REFERENCES "user"("id")`); // expect: no-unsafe-migration
    await queryRunner.query(`CREATE INDEX "IDX_photo_url" ON "photo" ("url")`); // expect: no-unsafe-migration
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_photo_url"`);
    await queryRunner.query(`ALTER TABLE "photo" DROP CONSTRAINT "FK_photo_user"`);
  }
}
